import { Anchor, Group, Pagination, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../api/ApiProvider';
import { type AuditEvent, unwrap } from '../api/client';
import { Loading, ProblemAlert } from '../components/common';
import { Link } from '../lib/router';
import { exactTime } from '../lib/time';

const TYPES: AuditEvent['type'][] = [
  'token.created',
  'token.updated',
  'token.revoked',
  'token.renewed',
  'token.used',
  'member.role_changed',
  'member.removed',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The audit log: filter by type, actor and token; newest first; paginated on the server. */
export function AuditPage() {
  const api = useApi();
  const [page, setPage] = useState(1);
  const [type, setType] = useState<AuditEvent['type'] | null>(null);
  const [actorInput, setActorInput] = useState('');
  const [tokenInput, setTokenInput] = useState('');
  const [actorId] = useDebouncedValue(actorInput.trim(), 300);
  const [tokenId] = useDebouncedValue(tokenInput.trim(), 300);
  const tokenInvalid = tokenId !== '' && !UUID.test(tokenId);
  const query = {
    page,
    type: type ?? undefined,
    actorId: actorId || undefined,
    tokenId: tokenId && !tokenInvalid ? tokenId : undefined,
  };
  const events = useQuery({
    queryKey: ['audit', query],
    queryFn: async () => unwrap(await api.GET('/v1/audit-events', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const data = events.data;
  return (
    <Stack>
      <Title order={1} size="h2">
        Audit log
      </Title>
      <Group align="end">
        <Select
          label="Type"
          placeholder="Any type"
          clearable
          data={TYPES}
          value={type}
          onChange={(v) => {
            setType(v);
            setPage(1);
          }}
        />
        <TextInput
          label="Actor"
          placeholder="user id"
          value={actorInput}
          onChange={(e) => {
            setActorInput(e.currentTarget.value);
            setPage(1);
          }}
        />
        <TextInput
          label="Token id"
          placeholder="uuid"
          value={tokenInput}
          error={tokenInvalid ? 'A token id is a UUID' : undefined}
          onChange={(e) => {
            setTokenInput(e.currentTarget.value);
            setPage(1);
          }}
          w={340}
        />
      </Group>
      <ProblemAlert error={events.error} title="The audit log could not be loaded" />
      {events.isPending ? (
        <Loading label="Loading the audit log…" />
      ) : data && data.items.length === 0 ? (
        <Text c="dimmed" role="status">
          No entries match.
        </Text>
      ) : data ? (
        <Table aria-label="Audit log" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Actor</Table.Th>
              <Table.Th>Token</Table.Th>
              <Table.Th>Details</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.items.map((event) => (
              <Table.Tr key={event.id}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{exactTime(event.occurredAt)}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{event.type}</Table.Td>
                <Table.Td>{event.actorId ?? 'system'}</Table.Td>
                <Table.Td>
                  {event.tokenId ? (
                    <Anchor component={Link} to={`/tokens/${event.tokenId}`} size="sm" ff="monospace">
                      {event.tokenId.slice(0, 8)}…
                    </Anchor>
                  ) : (
                    '—'
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="xs" lineClamp={2} title={JSON.stringify(event.details, null, 1)}>
                    {summarise(event.details)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {data && data.total > data.pageSize && (
        <Pagination total={Math.ceil(data.total / data.pageSize)} value={page} onChange={setPage} />
      )}
    </Stack>
  );
}

/** The entry's details in a line: the fields people read, ids and timestamps left to the hover text. */
function summarise(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([key]) => !/^(tokenId|createdAt|createdBy|createdByEmail|verifierInstance)$/.test(key))
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' · ');
}
