import { Alert, Badge, Center, List, Loader, Text, Tooltip } from '@mantine/core';
import { ApiError, type Token } from '../api/client';
import { exactTime, relativeTime } from '../lib/time';

/** An API error as the issuer stated it: its problem+json title, detail and violations. */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const problem = error instanceof ApiError ? error.problem : null;
  // Seed 004: a plan without API access says so, as a state of the page rather than a failure.
  const upgrade = problem?.code === 'UPGRADE_REQUIRED';
  return (
    <Alert
      color={upgrade ? 'orange' : 'red'}
      title={upgrade ? 'Upgrade required' : (problem?.title ?? title ?? 'Something went wrong')}
      role="alert"
    >
      <Text size="sm">{problem?.detail ?? (error instanceof Error ? error.message : 'Unknown error')}</Text>
      {problem?.errors?.map((e) => (
        <Text size="sm" key={e}>
          • {e}
        </Text>
      ))}
      {problem?.code && (
        <Text size="xs" c="dimmed" mt={4}>
          {problem.code}
        </Text>
      )}
    </Alert>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center p="xl" role="status" aria-live="polite">
      <Loader size="sm" mr="sm" aria-hidden />
      <Text size="sm">{label}</Text>
    </Center>
  );
}

/** "5 days ago" with the exact time on hover and focus; "Never" without a time. */
export function RelativeTime({ iso, never = 'Never' }: { iso: string | null; never?: string }) {
  if (iso === null)
    return (
      <Text span size="sm">
        {never}
      </Text>
    );
  return (
    <Tooltip label={exactTime(iso)} withArrow>
      <Text span size="sm" tabIndex={0} component="time" dateTime={iso} title={exactTime(iso)}>
        {relativeTime(iso)}
      </Text>
    </Tooltip>
  );
}

const STATUSES: Record<Token['status'], { label: string; colour: string; hint?: string }> = {
  active: { label: 'Active', colour: 'green' },
  revoked: { label: 'Revoked', colour: 'gray' },
  expired: { label: 'Expired', colour: 'red' },
  owner_inactive: {
    label: 'Owner inactive',
    colour: 'orange',
    hint: 'Its owner was removed from the tenant: the token is refused (OWNER_INACTIVE).',
  },
};

/** The status as the issuer states it; expired on a red background (seed 003). */
export function StatusBadge({ status }: { status: Token['status'] }) {
  const { label, colour, hint } = STATUSES[status];
  return (
    <Badge color={colour} variant={status === 'expired' ? 'filled' : 'light'} title={hint}>
      {label}
    </Badge>
  );
}

/** A person (or one of Latchkey's services) as the issuer names them. */
export function personLabel(person: Token['issuedBy']): string {
  if (person.id === 'system:auto-renewal') return 'Auto-renewal';
  return person.email ?? person.id;
}

/**
 * "Created by" (seed 000): who issued this very token, and the owner it acts for where that is someone
 * else (a successor issued by auto-renewal).
 */
export function CreatedBy({ token }: { token: Pick<Token, 'createdBy' | 'issuedBy'> }) {
  const issuer = personLabel(token.issuedBy);
  if (token.issuedBy.id === token.createdBy.id)
    return (
      <Text span size="sm">
        {issuer}
      </Text>
    );
  return (
    <Text span size="sm">
      {issuer}
      <Text span size="xs" c="dimmed" display="block">
        for {personLabel(token.createdBy)}
      </Text>
    </Text>
  );
}

/** The issuer's advice about a request it carried out anyway (seed 004: a name with personal data). */
export function TokenWarnings({ warnings }: { warnings: { code: string; message: string }[] }) {
  if (warnings.length === 0) return null;
  return (
    <Alert color="orange" title="Check the token name" role="status" data-testid="token-warnings">
      <List size="sm">
        {warnings.map((w) => (
          <List.Item key={w.code} data-warning-code={w.code}>
            {w.message}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

/** Orange and red dark enough to read on white (WCAG AA contrast). */
export const AGE_COLOURS: Record<Token['ageWarning'], string | undefined> = {
  none: undefined,
  expired: undefined,
  older_than_6_months: '#c2410c',
  older_than_1_year: '#b91c1c',
};

/** Seed 003: the token's age in days as the issuer counts it, orange after 6 months, red after a year. */
export function AgeDays({ token }: { token: Pick<Token, 'ageDays' | 'ageWarning'> }) {
  const days = token.ageDays;
  const colour = AGE_COLOURS[token.ageWarning];
  const hint =
    token.ageWarning === 'older_than_1_year'
      ? 'older than 1 year: renew it'
      : token.ageWarning === 'older_than_6_months'
        ? 'older than 6 months: consider renewing it'
        : undefined;
  return (
    <Text
      span
      size="sm"
      c={colour}
      fw={colour ? 700 : undefined}
      data-age-warning={token.ageWarning}
      title={hint}
    >
      {days} d
    </Text>
  );
}
