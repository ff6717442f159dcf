import { Alert, Button, Group, Select, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/ApiProvider';
import { type Schemas, unwrap } from '../../api/client';
import { useAuth } from '../../auth/AuthProvider';

/*
 * The token list's stale-token tools (seeds 000, 004: "identify stale or unused tokens", "revoke unused
 * or stale keys promptly"; offboarding): the idle filter, the creator filter, the bulk actions and what
 * a bulk revoke did.
 */

export const UNUSED_FOR_CHOICES = ['30', '60', '90', '180', '365'];

/** "Unused for N days": no verified use in that time (a never-used token counts from its creation). */
export function UnusedForSelect({
  value,
  onChange,
}: {
  value: string | null;
  onChange: (value: string | null) => void;
}) {
  return (
    <Select
      label="Unused for"
      placeholder="Any time"
      clearable
      data={UNUSED_FOR_CHOICES.map((days) => ({ value: days, label: `${days}+ days` }))}
      value={value}
      onChange={onChange}
      w={150}
    />
  );
}

/** Whose tokens: the tenant's members, for owners and admins (a member sees only her own anyway). */
export function CreatorSelect({
  value,
  onChange,
}: {
  value: string | null;
  onChange: (value: string | null) => void;
}) {
  const api = useApi();
  const { session } = useAuth();
  const mayList = session?.role === 'owner' || session?.role === 'admin';
  const members = useQuery({
    queryKey: ['members'],
    queryFn: async () => unwrap(await api.GET('/v1/members')),
    enabled: mayList,
  });
  if (!mayList || !members.data) return null;
  return (
    <Select
      label="Created by"
      placeholder="Anyone"
      clearable
      searchable
      data={members.data.items.map((m) => ({ value: m.userId, label: m.email ?? m.userId }))}
      value={value}
      onChange={onChange}
      w={220}
    />
  );
}

/**
 * How many live (not revoked, not expired) tokens `createdBy` holds that the caller sees: what a bulk
 * revoke by creator ends, and the count its one confirmation echoes.
 */
export function useLiveCountOf(createdBy: string | null): number | undefined {
  const api = useApi();
  const count = useQuery({
    queryKey: ['tokens', 'live-count', createdBy],
    enabled: createdBy !== null,
    queryFn: async () => {
      const total = async (status: 'active' | 'owner_inactive') =>
        unwrap(
          await api.GET('/v1/tokens', {
            params: { query: { createdBy: createdBy ?? undefined, status, pageSize: 1 } },
          }),
        ).total;
      return (await total('active')) + (await total('owner_inactive'));
    },
  });
  return createdBy === null ? undefined : count.data;
}

/** The actions on the selected rows, and on every live token of the person filtered by. */
export function BulkActions({
  selected,
  onRevokeSelected,
  onClearSelection,
  creatorLabel,
  creatorLiveCount,
  onRevokeAllOfCreator,
}: {
  selected: number;
  onRevokeSelected: () => void;
  onClearSelection: () => void;
  creatorLabel: string | null;
  creatorLiveCount: number | undefined;
  onRevokeAllOfCreator: () => void;
}) {
  if (selected === 0 && !creatorLiveCount) return null;
  return (
    <Group role="group" aria-label="Bulk actions" gap="sm">
      {selected > 0 && (
        <>
          <Text size="sm" fw={600}>
            {selected} selected
          </Text>
          <Button color="red" size="xs" onClick={onRevokeSelected}>
            Revoke selected
          </Button>
          <Button variant="subtle" size="xs" onClick={onClearSelection}>
            Clear selection
          </Button>
        </>
      )}
      {creatorLabel && !!creatorLiveCount && (
        <Button color="red" variant="light" size="xs" onClick={onRevokeAllOfCreator}>
          Revoke all {creatorLiveCount} live tokens of {creatorLabel}
        </Button>
      )}
    </Group>
  );
}

/** What a bulk revoke did, token by token, summed up. */
export function BulkRevokeSummary({
  result,
  onClose,
}: {
  result: Schemas['BulkRevokeResponse'] | null;
  onClose: () => void;
}) {
  if (!result) return null;
  const count = (outcome: string) => result.results.filter((r) => r.outcome === outcome).length;
  const notRevoked = [
    [count('already_revoked'), 'already revoked'],
    [count('forbidden'), "not yours to revoke under your organisation's policy"],
    [count('not_found'), 'not found'],
  ].filter(([n]) => Number(n) > 0);
  return (
    <Alert
      color={notRevoked.length > 0 ? 'orange' : 'green'}
      title={`Revoked ${result.revoked} token${result.revoked === 1 ? '' : 's'}`}
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={onClose}
      role="status"
    >
      {notRevoked.length > 0
        ? `Not revoked: ${notRevoked.map(([n, why]) => `${n} ${why}`).join(', ')}.`
        : 'Requests authenticated with them fail from now on.'}
    </Alert>
  );
}
