import { Button, Card, Checkbox, Group, NumberInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApi } from '../api/ApiProvider';
import { type Schemas, unwrap } from '../api/client';
import { useAuth } from '../auth/AuthProvider';
import { Loading, ProblemAlert } from '../components/common';

type Body = Pick<
  Schemas['UpdateTenantPolicyDto'],
  'idleRevokeAfterDays' | 'idleWarningDays' | 'expiryReminderDays'
>;

interface Draft {
  idleOn: boolean;
  idleDays: number | string;
  warningDays: number | string;
  defaultReminders: boolean;
  /** Comma-separated days, as typed. */
  reminderDays: string;
}

/** "60, 30, 7" → [60, 30, 7]; anything that is not a whole number is kept as NaN for the issuer to refuse. */
export function parseReminderDays(text: string): number[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN));
}

/** What the draft asks the issuer to store; null when a number is missing or not a number. */
export function draftBody(draft: Draft): Body | { invalid: string } {
  const reminders = parseReminderDays(draft.reminderDays);
  if (!draft.defaultReminders && reminders.some((day) => Number.isNaN(day))) {
    return { invalid: 'Reminder days are whole numbers of days, separated by commas, e.g. 60, 30, 7.' };
  }
  if (draft.idleOn && (draft.idleDays === '' || draft.warningDays === '')) {
    return { invalid: 'Choose after how many unused days tokens are revoked, and when to warn.' };
  }
  return {
    idleRevokeAfterDays: draft.idleOn ? Number(draft.idleDays) : null,
    ...(draft.warningDays === '' ? {} : { idleWarningDays: Number(draft.warningDays) }),
    expiryReminderDays: draft.defaultReminders ? null : reminders,
  };
}

/**
 * Issue 14: the idle policy (seed 004: "revoke unused or stale keys promptly") and the days on which
 * owners are reminded that a token expires. Owners change them; admins read them.
 */
export function IdlePolicyCard() {
  const api = useApi();
  const { session } = useAuth();
  const queryClient = useQueryClient();
  const owner = session?.role === 'owner';
  const policy = useQuery({
    queryKey: ['policy'],
    queryFn: async () => unwrap(await api.GET('/v1/tenant/policy')),
  });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  useEffect(() => {
    if (policy.data) {
      const { idleRevokeAfterDays, idleWarningDays, expiryReminderDays } = policy.data;
      setDraft({
        idleOn: idleRevokeAfterDays !== null,
        idleDays: idleRevokeAfterDays ?? 90,
        warningDays: idleWarningDays,
        defaultReminders: expiryReminderDays === null,
        reminderDays: (expiryReminderDays ?? [30, 7, 0]).join(', '),
      });
    }
  }, [policy.data]);
  const save = useMutation({
    mutationFn: async (body: Body) => unwrap(await api.PATCH('/v1/tenant/policy', { body })),
    onSuccess: (data) => queryClient.setQueryData(['policy'], data),
  });
  if (policy.error) return <ProblemAlert error={policy.error} title="The idle policy could not be loaded" />;
  if (policy.isPending || !draft) return <Loading label="Loading the idle policy…" />;
  const submit = () => {
    const body = draftBody(draft);
    if ('invalid' in body) {
      setInvalid(body.invalid);
      return;
    }
    setInvalid(null);
    save.mutate(body);
  };
  const set = (changes: Partial<Draft>) => setDraft({ ...draft, ...changes });
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          Unused tokens and expiry reminders
        </Title>
        {!owner && (
          <Text size="sm" c="dimmed">
            Only owners change the idle policy and the reminder days.
          </Text>
        )}
        <Checkbox
          label="Revoke tokens nobody uses"
          description="A token not used for the chosen number of days (since its last use, or its creation) is revoked automatically, recorded in the audit log with the reason “idle”. Its owner and technical owner are warned by mail first; any use before then keeps it."
          checked={draft.idleOn}
          disabled={!owner}
          onChange={(e) => set({ idleOn: e.currentTarget.checked })}
        />
        <Group align="flex-start">
          <NumberInput
            label="Revoke after this many days unused"
            min={2}
            max={3650}
            allowDecimal={false}
            value={draft.idleDays}
            disabled={!owner || !draft.idleOn}
            onChange={(value) => set({ idleDays: value })}
            w={280}
          />
          <NumberInput
            label="Warn this many days before"
            min={1}
            max={365}
            allowDecimal={false}
            value={draft.warningDays}
            disabled={!owner || !draft.idleOn}
            onChange={(value) => set({ warningDays: value })}
            w={280}
          />
        </Group>
        <Checkbox
          label="Remind owners on Latchkey’s default days before a token expires"
          description="30 days and 7 days before, and on the day (unless your operator chose other days)."
          checked={draft.defaultReminders}
          disabled={!owner}
          onChange={(e) => set({ defaultReminders: e.currentTarget.checked })}
        />
        <TextInput
          label="Expiry reminder days"
          description="Days before expiry, separated by commas, at most 6 (0: on the day). Each reminder is a mail to the owner and a dev.latchkey.token.expiring event for your other systems. Empty: no reminders."
          value={draft.reminderDays}
          disabled={!owner || draft.defaultReminders}
          onChange={(e) => set({ reminderDays: e.currentTarget.value })}
          w={480}
        />
        {invalid && (
          <Text size="sm" c="red.8" role="alert">
            {invalid}
          </Text>
        )}
        <ProblemAlert error={save.error} title="The idle policy was not changed" />
        {save.isSuccess && (
          <Text size="sm" c="teal.9" role="status">
            Saved.
          </Text>
        )}
        {owner && (
          <Group>
            <Button onClick={submit} loading={save.isPending}>
              Save idle policy and reminders
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}
