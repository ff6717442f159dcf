import { Alert, Badge, Center, Loader, Text, Tooltip } from '@mantine/core';
import { ApiError, type Token } from '../api/client';
import { ageInDays, exactTime, relativeTime } from '../lib/time';

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

const STATUS_COLOURS = { active: 'green', revoked: 'gray', expired: 'red' } as const;

export function StatusBadge({ status }: { status: Token['status'] }) {
  const label = status.charAt(0).toUpperCase() + status.slice(1);
  return (
    <Badge color={STATUS_COLOURS[status]} variant="light">
      {label}
    </Badge>
  );
}

/** Orange and red dark enough to read on white (WCAG AA contrast). */
export const AGE_COLOURS: Record<Token['ageWarning'], string | undefined> = {
  none: undefined,
  expired: undefined,
  older_than_6_months: '#c2410c',
  older_than_1_year: '#b91c1c',
};

/** Seed 003: the token's age in days, orange after 6 months, red after a year. */
export function AgeDays({ token, now }: { token: Pick<Token, 'createdAt' | 'ageWarning'>; now?: Date }) {
  const days = ageInDays(token.createdAt, now);
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
