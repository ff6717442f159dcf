import { Alert, List, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/ApiProvider';
import { type Token, unwrap } from '../../api/client';
import { Loading } from '../../components/common';
import { relativeTime, shortDate } from '../../lib/time';
import { RevokeChecklist, technicalOwnerLabel } from './TechnicalOwner';
import { reasonsText, VerdictBars } from './UsageChart';

/**
 * Seed 004's checklist before revoking, answered with data (issue 14): is the key still used, and by
 * whom; is its replacement in use; what else the revocation stops. Falls back to the plain checklist
 * when the preview cannot be loaded.
 */
export function RevokeImpact({ token }: { token: Token }) {
  const api = useApi();
  const impact = useQuery({
    queryKey: ['token', token.id, 'impact'],
    queryFn: async () =>
      unwrap(await api.GET('/v1/tokens/{id}/impact', { params: { path: { id: token.id } } })),
  });
  if (impact.isPending) return <Loading label="Checking what revoking would break…" />;
  if (!impact.data) return <RevokeChecklist token={token} />;
  const data = impact.data;
  const used = data.last30Days.total > 0;
  const callers = data.callers.map((c) => c.caller ?? 'unnamed callers').join(', ');
  return (
    <section aria-label="Revoke impact">
      {data.warnings.length > 0 && (
        <Alert color="orange" title="Revoking would break something" mb="xs" role="status">
          {data.warnings.includes('USED_RECENTLY') && (
            <Text size="sm">It was used in the last 24 hours.</Text>
          )}
          {data.warnings.includes('SUCCESSOR_NOT_IN_USE') && (
            <Text size="sm">Its replacement has not been used yet.</Text>
          )}
        </Alert>
      )}
      <List size="sm" spacing={4}>
        <List.Item>
          <b>Still needed?</b> {data.lastUsedAt ? `Last used ${relativeTime(data.lastUsedAt)}` : 'Never used'}
          {used
            ? `; ${data.last30Days.ok.toLocaleString('en')} OK and ${data.last30Days.refused.toLocaleString('en')} refused verifications in 30 days${data.last30Days.refused > 0 ? ` (${reasonsText(data.last30Days.byReason)})` : ''}.`
            : '; no verifications in 30 days.'}
          {callers && ` Callers: ${callers}.`}
        </List.Item>
        <List.Item>
          <b>Replacement in use?</b>{' '}
          {data.successor
            ? data.successor.inUse
              ? `Yes: ${data.successor.name} was last used ${relativeTime(data.successor.lastUsedAt)}.`
              : `No: ${data.successor.name} has not been used yet.`
            : 'No replacement key (it was not rotated or renewed).'}
        </List.Item>
        {data.pendingRenewalOffers.length > 0 && (
          <List.Item>
            Revoking cancels {data.pendingRenewalOffers.length} pending renewal offer
            {data.pendingRenewalOffers.length === 1 ? '' : 's'} (due{' '}
            {data.pendingRenewalOffers.map((o) => shortDate(o.dueAt)).join(', ')}).
          </List.Item>
        )}
        {data.autoRenewal && <List.Item>Revoking stops its auto-renewal.</List.Item>}
        <List.Item>Check with {technicalOwnerLabel(token.technicalOwner)} if you are unsure.</List.Item>
      </List>
      <Text size="xs" c="dimmed" mt="xs">
        Verifications per day, last 30 days
      </Text>
      <VerdictBars
        granularity="day"
        height={40}
        buckets={data.verificationsPerDay.map((d) => ({ start: d.day, ok: d.ok, refused: d.refused }))}
      />
    </section>
  );
}
