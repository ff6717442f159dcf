import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  Menu,
  Pagination,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { Schemas } from '../../api/client';
import { useApi } from '../../api/ApiProvider';
import { type Token, unwrap } from '../../api/client';
import {
  AgeDays,
  CreatedBy,
  Loading,
  ProblemAlert,
  RelativeTime,
  StatusBadge,
} from '../../components/common';
import { Link, navigate } from '../../lib/router';
import { shortDate } from '../../lib/time';
import { BulkRevokeDialog, type BulkRevokeTarget } from './BulkRevokeDialog';
import { CreateTokenDialog } from './CreateTokenDialog';
import { useMayRevoke } from './governance';
import { RevokeTokenDialog } from './RevokeTokenDialog';
import {
  BulkActions,
  BulkRevokeSummary,
  CreatorSelect,
  UnusedForSelect,
  useLiveCountOf,
} from './StaleTokens';

type SortField = 'createdAt' | 'name' | 'lastUsedAt';
type Status = Token['status'];
type Purpose = Token['purpose'];

export const PAGE_SIZE = 15;

/**
 * The API tokens list (seeds 000, 001, 003, 004): 15 a page, newest first, sortable by name, creation
 * date and last use, filtered by name, status, purpose, idle time and creator on the server; rows can
 * be selected and revoked together, or every live token of the person filtered by (offboarding), with
 * one confirmation. `purpose` fixes the filter (the Agents page is this list with agent tokens only).
 */
export function TokensPage({
  purpose: fixedPurpose,
  title = 'API tokens',
}: {
  purpose?: Purpose;
  title?: string;
}) {
  const api = useApi();
  const [page, setPage] = useState(1);
  const [nameInput, setNameInput] = useState('');
  const [name] = useDebouncedValue(nameInput.trim(), 250);
  const [status, setStatus] = useState<Status | null>(null);
  const [purposeFilter, setPurposeFilter] = useState<Purpose | null>(null);
  const [sort, setSort] = useState<SortField>('createdAt');
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const [unusedFor, setUnusedFor] = useState<string | null>(null);
  const [creator, setCreator] = useState<string | null>(null);
  const [selected, setSelected] = useState<Map<string, Token>>(new Map());
  const [bulkTarget, setBulkTarget] = useState<BulkRevokeTarget | null>(null);
  const [bulkResult, setBulkResult] = useState<Schemas['BulkRevokeResponse'] | null>(null);
  const creatorLiveCount = useLiveCountOf(creator);
  const purpose = fixedPurpose ?? purposeFilter ?? undefined;

  const query = {
    page,
    pageSize: PAGE_SIZE,
    sort,
    order,
    name: name || undefined,
    status: status ?? undefined,
    purpose,
    unusedForDays: unusedFor ? Number(unusedFor) : undefined,
    createdBy: creator ?? undefined,
  };
  const tokens = useQuery({
    queryKey: ['tokens', query],
    queryFn: async () => unwrap(await api.GET('/v1/tokens', { params: { query } })),
    placeholderData: keepPreviousData,
  });

  const sortBy = (field: SortField) => {
    if (sort === field) setOrder(order === 'asc' ? 'desc' : 'asc');
    else {
      setSort(field);
      // Names A to Z; by last use the stalest first (never used, then longest ago); newest created first.
      setOrder(field === 'createdAt' ? 'desc' : 'asc');
    }
    toPage(1);
  };
  /** A new page or filter: the selection was of rows no longer shown. */
  const toPage = (next: number) => {
    setPage(next);
    setSelected(new Map());
  };
  const sortLabel = (field: SortField, label: string) => (
    <UnstyledButton
      onClick={() => sortBy(field)}
      aria-label={`Sort by ${label.toLowerCase()}`}
      fw={700}
      fz="sm"
    >
      {label} {sort === field ? (order === 'asc' ? '▲' : '▼') : ''}
    </UnstyledButton>
  );
  const ariaSort = (field: SortField) =>
    sort === field ? (order === 'asc' ? 'ascending' : 'descending') : undefined;

  // Seed 004: on a plan without API access the page says "Upgrade required", to every role.
  const policy = useQuery({
    queryKey: ['policy'],
    queryFn: async () => unwrap(await api.GET('/v1/tenant/policy')),
  });
  const upgradeRequired = policy.data?.apiAccess === false;
  const mayRevoke = useMayRevoke();

  const data = tokens.data;
  const selectable = (token: Token) => token.status !== 'revoked' && mayRevoke(token);
  const pageSelectable = (data?.items ?? []).filter(selectable);
  const allSelected = pageSelectable.length > 0 && pageSelectable.every((t) => selected.has(t.id));
  const toggle = (token: Token) => {
    const next = new Map(selected);
    if (next.has(token.id)) next.delete(token.id);
    else next.set(token.id, token);
    setSelected(next);
  };
  const toggleAll = () =>
    setSelected(allSelected ? new Map() : new Map(pageSelectable.map((t) => [t.id, t])));
  const creatorLabel = creator
    ? (data?.items.find((t) => t.createdBy.id === creator)?.createdBy.email ?? creator)
    : null;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {title}
        </Title>
        <Button onClick={() => setCreating(true)} disabled={upgradeRequired}>
          Create token
        </Button>
      </Group>
      {upgradeRequired && (
        <Alert color="orange" title="Upgrade required" role="alert">
          API access is not included in the {policy.data?.plan} plan. Existing tokens are listed below; to
          create, rotate or renew tokens, upgrade your plan.
        </Alert>
      )}
      <Group align="end">
        <TextInput
          label="Filter by name"
          placeholder="e.g. prod"
          value={nameInput}
          onChange={(e) => {
            setNameInput(e.currentTarget.value);
            toPage(1);
          }}
          maxLength={128}
        />
        <Select
          label="Status"
          placeholder="Any status"
          clearable
          data={[
            { value: 'active', label: 'Active' },
            { value: 'revoked', label: 'Revoked' },
            { value: 'expired', label: 'Expired' },
            { value: 'owner_inactive', label: 'Owner inactive' },
          ]}
          value={status}
          onChange={(v) => {
            setStatus(v);
            toPage(1);
          }}
        />
        {!fixedPurpose && (
          <Select
            label="Purpose"
            placeholder="Any purpose"
            clearable
            data={[
              { value: 'integration', label: 'Integration' },
              { value: 'agent', label: 'Agent' },
            ]}
            value={purposeFilter}
            onChange={(v) => {
              setPurposeFilter(v);
              toPage(1);
            }}
          />
        )}
        <UnusedForSelect
          value={unusedFor}
          onChange={(v) => {
            setUnusedFor(v);
            toPage(1);
          }}
        />
        <CreatorSelect
          value={creator}
          onChange={(v) => {
            setCreator(v);
            toPage(1);
          }}
        />
      </Group>
      <BulkRevokeSummary result={bulkResult} onClose={() => setBulkResult(null)} />
      <BulkActions
        selected={selected.size}
        onRevokeSelected={() => setBulkTarget({ kind: 'ids', tokens: [...selected.values()] })}
        onClearSelection={() => setSelected(new Map())}
        creatorLabel={creatorLabel}
        creatorLiveCount={creatorLiveCount}
        onRevokeAllOfCreator={() =>
          creator &&
          creatorLabel &&
          setBulkTarget({
            kind: 'creator',
            createdBy: creator,
            label: creatorLabel,
            count: creatorLiveCount ?? 0,
          })
        }
      />
      <ProblemAlert error={tokens.error} title="The tokens could not be loaded" />
      {tokens.isPending ? (
        <Loading label="Loading tokens…" />
      ) : data && data.items.length === 0 ? (
        <Text c="dimmed" py="lg" role="status">
          {name || status || purposeFilter || unusedFor || creator
            ? 'No token matches these filters.'
            : upgradeRequired
              ? 'No tokens.'
              : 'No tokens yet. Create one to get started.'}
        </Text>
      ) : data ? (
        <Table.ScrollContainer minWidth={1000}>
          <Table striped={false} highlightOnHover verticalSpacing="xs" aria-label={title}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40}>
                  <Checkbox
                    aria-label="Select all tokens on this page"
                    checked={allSelected}
                    indeterminate={!allSelected && pageSelectable.some((t) => selected.has(t.id))}
                    disabled={pageSelectable.length === 0}
                    onChange={toggleAll}
                  />
                </Table.Th>
                <Table.Th aria-sort={ariaSort('name')}>{sortLabel('name', 'Name')}</Table.Th>
                <Table.Th>Key prefix</Table.Th>
                <Table.Th>Created by</Table.Th>
                <Table.Th aria-sort={ariaSort('createdAt')}>{sortLabel('createdAt', 'Created')}</Table.Th>
                <Table.Th aria-sort={ariaSort('lastUsedAt')}>{sortLabel('lastUsedAt', 'Last used')}</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Usage</Table.Th>
                <Table.Th>Age</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {/* Expired rows on red (seed 003): the lightest red, on which the name link keeps AA contrast. */}
              {data.items.map((token) => (
                <Table.Tr
                  key={token.id}
                  data-testid={`token-row-${token.id}`}
                  bg={token.status === 'expired' ? 'red.0' : undefined}
                >
                  <Table.Td>
                    {selectable(token) && (
                      <Checkbox
                        aria-label={`Select ${token.name}`}
                        checked={selected.has(token.id)}
                        onChange={() => toggle(token)}
                      />
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/tokens/${token.id}`} size="sm" fw={600}>
                      {token.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Text span ff="monospace" size="sm">
                      {token.keyPrefix}…
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <CreatedBy token={token} />
                  </Table.Td>
                  <Table.Td>
                    <Text span size="sm">
                      {shortDate(token.createdAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <RelativeTime iso={token.lastUsedAt} />
                  </Table.Td>
                  <Table.Td>
                    <Text span size="sm">
                      {shortDate(token.expiresAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={token.status} />
                  </Table.Td>
                  <Table.Td>
                    <Text span size="sm">
                      {token.usageCount.toLocaleString('en')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <AgeDays token={token} />
                  </Table.Td>
                  <Table.Td>
                    <Menu position="bottom-end" withinPortal>
                      <Menu.Target>
                        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${token.name}`}>
                          <span aria-hidden>⋯</span>
                        </ActionIcon>
                      </Menu.Target>
                      <Menu.Dropdown>
                        <Menu.Item onClick={() => navigate(`/tokens/${token.id}`)}>Details</Menu.Item>
                        {mayRevoke(token) && (
                          <Menu.Item
                            color="red"
                            disabled={token.status === 'revoked'}
                            onClick={() => setRevoking(token)}
                          >
                            Revoke
                          </Menu.Item>
                        )}
                      </Menu.Dropdown>
                    </Menu>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      {data && data.total > 0 && (
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {data.total} token{data.total === 1 ? '' : 's'}
          </Text>
          <Pagination total={pages} value={page} onChange={toPage} getControlProps={paginationLabels} />
        </Group>
      )}
      <CreateTokenDialog opened={creating} onClose={() => setCreating(false)} purpose={fixedPurpose} />
      <RevokeTokenDialog token={revoking} onClose={() => setRevoking(null)} />
      <BulkRevokeDialog
        target={bulkTarget}
        onClose={() => setBulkTarget(null)}
        onDone={(result) => {
          setBulkResult(result);
          setSelected(new Map());
        }}
      />
    </Stack>
  );
}

function paginationLabels(control: 'first' | 'previous' | 'last' | 'next') {
  return { 'aria-label': `${control} page` };
}
