import { Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../api/ApiProvider';
import { type Schemas, unwrap } from '../../api/client';
import { ProblemAlert, Loading } from '../../components/common';
import { exactTime } from '../../lib/time';

type Granularity = 'minute' | 'hour' | 'day';
type Bucket = Schemas['UsageBucketResponse'];

const RANGES: { value: Granularity; label: string }[] = [
  { value: 'minute', label: 'Last hour' },
  { value: 'hour', label: 'Last 24 hours' },
  { value: 'day', label: 'Last 30 days' },
];

const OK_COLOUR = 'var(--mantine-color-teal-6)';
const REFUSED_COLOUR = 'var(--mantine-color-red-6)';

/** The token's verifications over time (issue 14): OK and refused per bucket, and who called. */
export function UsageChart({ tokenId }: { tokenId: string }) {
  const api = useApi();
  const [granularity, setGranularity] = useState<Granularity>('hour');
  const usage = useQuery({
    queryKey: ['token', tokenId, 'usage', granularity],
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/tokens/{id}/usage', {
          params: { path: { id: tokenId }, query: { granularity } },
        }),
      ),
  });
  return (
    <section aria-label="Verifications">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h4">
            Verifications
          </Title>
          <SegmentedControl
            size="xs"
            value={granularity}
            onChange={setGranularity}
            data={RANGES}
            aria-label="Time range"
          />
        </Group>
        <ProblemAlert error={usage.error} title="The verifications could not be loaded" />
        {usage.isPending ? (
          <Loading />
        ) : usage.data ? (
          <>
            <Text size="sm">
              <b>{usage.data.totals.ok.toLocaleString('en')}</b> OK ·{' '}
              <b>{usage.data.totals.refused.toLocaleString('en')}</b> refused
              {usage.data.totals.refused > 0 && ` (${reasonsText(usage.data.totals.byReason)})`}
            </Text>
            <VerdictBars buckets={usage.data.buckets} granularity={granularity} />
            <Group justify="space-between" mt={-6}>
              <Text size="xs" c="dimmed">
                {exactTime(usage.data.from)}
              </Text>
              <Text size="xs" c="dimmed">
                <span style={{ color: OK_COLOUR }}>■</span> OK{' '}
                <span style={{ color: REFUSED_COLOUR }}>■</span> refused · UTC {granularity}s
              </Text>
              <Text size="xs" c="dimmed">
                {exactTime(usage.data.to)}
              </Text>
            </Group>
            <Text size="sm" c="dimmed">
              {usage.data.callers.length === 0
                ? 'No callers seen in this range.'
                : `Callers: ${usage.data.callers
                    .map((c) => `${c.caller ?? 'unnamed'} (${c.count.toLocaleString('en')})`)
                    .join(', ')}`}
            </Text>
          </>
        ) : null}
      </Stack>
    </section>
  );
}

/** Refusal reasons with their counts, most first, e.g. "REVOKED 3, EXPIRED 1". */
export function reasonsText(byReason: Record<string, number>): string {
  return Object.entries(byReason)
    .filter(([reason]) => reason !== 'OK')
    .sort((a, b) => b[1] - a[1])
    .map(([reason, count]) => `${reason} ${count.toLocaleString('en')}`)
    .join(', ');
}

/**
 * Stacked bars drawn as SVG (no chart library): OK below, refused above, one bar per bucket. Each bar
 * carries a title with its figures; the whole chart an accessible summary.
 */
export function VerdictBars({
  buckets,
  granularity,
  height = 120,
}: {
  buckets: readonly Pick<Bucket, 'start' | 'ok' | 'refused'>[];
  granularity: Granularity;
  height?: number;
}) {
  const width = 600;
  const max = Math.max(1, ...buckets.map((b) => b.ok + b.refused));
  const slot = width / Math.max(1, buckets.length);
  const bar = Math.max(1, slot * 0.8);
  const scale = (n: number) => (n / max) * (height - 4);
  const ok = buckets.reduce((sum, b) => sum + b.ok, 0);
  const refused = buckets.reduce((sum, b) => sum + b.refused, 0);
  return (
    <svg
      role="img"
      aria-label={`Verifications per ${granularity}: ${ok} OK, ${refused} refused, at most ${max} in one ${granularity}`}
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      height={height}
      preserveAspectRatio="none"
      style={{ display: 'block', background: 'var(--mantine-color-gray-0)', borderRadius: 4 }}
    >
      {buckets.map((b, i) => {
        const okHeight = scale(b.ok);
        const refusedHeight = scale(b.refused);
        const x = i * slot + (slot - bar) / 2;
        return (
          <g key={b.start} data-testid="usage-bar">
            <title>{`${exactTime(b.start)}: ${b.ok} OK, ${b.refused} refused`}</title>
            <rect x={x} y={height - okHeight} width={bar} height={okHeight} fill={OK_COLOUR} />
            <rect
              x={x}
              y={height - okHeight - refusedHeight}
              width={bar}
              height={refusedHeight}
              fill={REFUSED_COLOUR}
            />
          </g>
        );
      })}
    </svg>
  );
}
