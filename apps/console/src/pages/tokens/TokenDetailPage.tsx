import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useApi } from '../../api/ApiProvider';
import { type Token, unwrap } from '../../api/client';
import { isManager, useAuth } from '../../auth/AuthProvider';
import {
  AgeDays,
  CreatedBy,
  Loading,
  ProblemAlert,
  RelativeTime,
  StatusBadge,
} from '../../components/common';
import { Link } from '../../lib/router';
import { exactTime, shortDate } from '../../lib/time';
import { PendingRenewal } from './PendingRenewal';
import { EditTokenDialog, RenewTokenDialog, RotateTokenDialog } from './TokenActionDialogs';
import { RevokeTokenDialog } from './RevokeTokenDialog';
import { useMayRevoke } from './governance';
import { CoordinationChecklist, technicalOwnerLabel } from './TechnicalOwner';
import { RecoverToken } from './RecoverToken';
import { UsageChart } from './UsageChart';

/** The rights preset a token was created with (seed 003), or custom scopes. */
const RIGHTS_LABEL = { read: 'Read only', read_write: 'Read & write', custom: 'Custom scopes' } as const;

/** Token detail (seed 003): what the token is, its usage and renewals, and the action bar. */
export function TokenDetailPage({ id }: { id: string }) {
  const api = useApi();
  const { session } = useAuth();
  const [dialog, setDialog] = useState<'edit' | 'rotate' | 'renew' | 'revoke' | null>(null);
  const mayRevoke = useMayRevoke();
  const token = useQuery({
    queryKey: ['token', id],
    queryFn: async () => unwrap(await api.GET('/v1/tokens/{id}', { params: { path: { id } } })),
  });
  const renewals = useQuery({
    queryKey: ['token', id, 'renewals'],
    queryFn: async () => unwrap(await api.GET('/v1/tokens/{id}/renewals', { params: { path: { id } } })),
  });
  const audit = useQuery({
    queryKey: ['token', id, 'audit'],
    enabled: isManager(session),
    queryFn: async () =>
      unwrap(await api.GET('/v1/audit-events', { params: { query: { tokenId: id, pageSize: 20 } } })),
  });

  if (token.isPending) return <Loading label="Loading the token…" />;
  if (token.error)
    return (
      <Stack>
        <ProblemAlert error={token.error} title="The token could not be loaded" />
        <Link to="/">Back to the API tokens</Link>
      </Stack>
    );
  const t: Token = token.data;
  const live = t.status === 'active';
  return (
    <Stack>
      <Anchor component={Link} to="/" size="sm">
        ← API tokens
      </Anchor>
      <Group justify="space-between" align="start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={1} size="h2">
              {t.name}
            </Title>
            <StatusBadge status={t.status} />
            {t.purpose === 'agent' && <Badge variant="outline">Agent</Badge>}
          </Group>
          <Text c="dimmed" size="sm">
            {t.description ?? 'No description'}
          </Text>
        </Stack>
        <Group gap="xs" role="toolbar" aria-label="Token actions">
          <Button variant="default" onClick={() => setDialog('edit')}>
            Edit
          </Button>
          <Button variant="default" disabled={!live} onClick={() => setDialog('rotate')}>
            Rotate
          </Button>
          <Button variant="default" disabled={!live} onClick={() => setDialog('renew')}>
            Renew token
          </Button>
          {mayRevoke(t) && (
            <Button
              color="red"
              variant="light"
              disabled={t.status === 'revoked'}
              onClick={() => setDialog('revoke')}
            >
              Revoke
            </Button>
          )}
        </Group>
      </Group>

      {t.status === 'owner_inactive' && (
        <Alert color="orange" title="Its owner is no longer a member" role="status">
          {t.createdBy.email ?? t.createdBy.id} was removed from the tenant, so this token is refused
          everywhere. Revoke it, and have a current member create a new one if it is still needed.
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Fact label="Key prefix">
          <Text ff="monospace">{t.keyPrefix}…</Text>
        </Fact>
        <Fact label="Created by">
          <CreatedBy token={t} />
        </Fact>
        <Fact label="Created">
          <span title={exactTime(t.createdAt)}>{shortDate(t.createdAt)}</span> · <AgeDays token={t} />
        </Fact>
        <Fact label="Expires">
          {t.expiresAt ? <span title={exactTime(t.expiresAt)}>{shortDate(t.expiresAt)}</span> : 'Never'}
        </Fact>
        <Fact label="Last used">
          <RelativeTime iso={t.lastUsedAt} />
        </Fact>
        <Fact label="Usage count">{t.usageCount.toLocaleString('en')}</Fact>
        <Fact label="Rights">{RIGHTS_LABEL[t.rights ?? 'custom']}</Fact>
        <Fact label="Scopes">{t.scopes.join(', ') || '—'}</Fact>
        <Fact label="Resources">{t.resources.length ? t.resources.join(', ') : 'All'}</Fact>
        <Fact label="Lineage">
          {t.replacesTokenId || t.replacedByTokenId ? (
            <Stack gap={2}>
              {t.replacesTokenId && (
                <span>
                  Replaces <LineageLink id={t.replacesTokenId} />
                </span>
              )}
              {t.replacedByTokenId && (
                <span>
                  Replaced by <LineageLink id={t.replacedByTokenId} />
                </span>
              )}
            </Stack>
          ) : (
            'Original token, not replaced'
          )}
        </Fact>
        <Fact label="Technical owner">
          {t.technicalOwner ? technicalOwnerLabel(t.technicalOwner) : 'None named'}
        </Fact>
        <Fact label="Auto renewal">
          {t.autoRenewal ? (
            <>
              Every {t.autoRenewal.everyDays} days
              {t.autoRenewal.callbackUrl
                ? ` to ${t.autoRenewal.callbackUrl}`
                : ', no callback: the renewed token is obtained here in the console'}
              {t.autoRenewal.mailRecipient ? `, mail to ${t.autoRenewal.mailRecipient}` : ''}
              {t.autoRenewal.nextRenewalAt ? ` · next ${shortDate(t.autoRenewal.nextRenewalAt)}` : ''}
            </>
          ) : (
            'Off'
          )}
        </Fact>
      </SimpleGrid>

      <RecoverToken token={t} />

      <UsageChart tokenId={t.id} />

      {t.status !== 'revoked' && <CoordinationChecklist token={t} />}
      {live && renewals.data && <PendingRenewal token={t} offers={renewals.data.items} />}

      <Title order={2} size="h4">
        Renewal history
      </Title>
      <ProblemAlert error={renewals.error} title="The renewal history could not be loaded" />
      {renewals.isPending ? (
        <Loading />
      ) : renewals.data && renewals.data.items.length === 0 ? (
        <Text c="dimmed" size="sm">
          No renewal offers yet.
        </Text>
      ) : (
        <Table aria-label="Renewal history">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Due</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Window ends</Table.Th>
              <Table.Th>Delivery attempts</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {renewals.data?.items.map((offer) => (
              <Table.Tr key={offer.id}>
                <Table.Td>{exactTime(offer.dueAt)}</Table.Td>
                <Table.Td>{offer.status}</Table.Td>
                <Table.Td>{offer.windowEndsAt ? exactTime(offer.windowEndsAt) : '—'}</Table.Td>
                <Table.Td>
                  {offer.attempts
                    .map(
                      (a) =>
                        `#${a.number} ${a.outcome ?? 'running'}${a.statusCode ? ` (${a.statusCode})` : ''}`,
                    )
                    .join(', ') || '—'}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      {isManager(session) && (
        <>
          <Title order={2} size="h4">
            Audit entries
          </Title>
          <ProblemAlert error={audit.error} title="The audit entries could not be loaded" />
          {audit.isPending ? (
            <Loading />
          ) : audit.data && audit.data.items.length === 0 ? (
            <Text c="dimmed" size="sm">
              No audit entries yet (they appear a moment after each change).
            </Text>
          ) : (
            <Table aria-label="Audit entries of this token">
              <Table.Tbody>
                {audit.data?.items.map((event) => (
                  <Table.Tr key={event.id}>
                    <Table.Td>{exactTime(event.occurredAt)}</Table.Td>
                    <Table.Td>{event.type}</Table.Td>
                    <Table.Td>{event.actorId ?? 'system'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </>
      )}

      <EditTokenDialog token={dialog === 'edit' ? t : null} onClose={() => setDialog(null)} />
      <RotateTokenDialog token={dialog === 'rotate' ? t : null} onClose={() => setDialog(null)} />
      <RenewTokenDialog token={dialog === 'renew' ? t : null} onClose={() => setDialog(null)} />
      <RevokeTokenDialog token={dialog === 'revoke' ? t : null} onClose={() => setDialog(null)} />
    </Stack>
  );
}

/** A link to a predecessor or successor, by its name once known (its id when it cannot be read). */
function LineageLink({ id }: { id: string }) {
  const api = useApi();
  const other = useQuery({
    queryKey: ['token', id],
    queryFn: async () => unwrap(await api.GET('/v1/tokens/{id}', { params: { path: { id } } })),
    retry: false,
  });
  return (
    <Anchor component={Link} to={`/tokens/${encodeURIComponent(id)}`}>
      {other.data?.name ?? id}
    </Anchor>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed" fw={700} tt="uppercase">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Card>
  );
}
