import { Alert, Card, Stack, Switch, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/ApiProvider';
import { unwrap } from '../api/client';
import { useAuth } from '../auth/AuthProvider';
import { Loading, ProblemAlert } from '../components/common';

/**
 * Recoverable tokens (seed 003: "In the detail view below the token, click on Copy"), opt-in per
 * tenant: owners switch it; admins read it. The trade-off is stated where the choice is made.
 */
export function RecoverableTokensCard() {
  const api = useApi();
  const { session } = useAuth();
  const queryClient = useQueryClient();
  const owner = session?.role === 'owner';
  const policy = useQuery({
    queryKey: ['policy'],
    queryFn: async () => unwrap(await api.GET('/v1/tenant/policy')),
  });
  const save = useMutation({
    mutationFn: async (recoverableTokens: boolean) =>
      unwrap(await api.PATCH('/v1/tenant/policy', { body: { recoverableTokens } })),
    onSuccess: (data) => queryClient.setQueryData(['policy'], data),
  });
  if (policy.isPending) return <Loading label="Loading the policy…" />;
  if (policy.error) return <ProblemAlert error={policy.error} title="The policy could not be loaded" />;
  const on = policy.data.recoverableTokens;
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          Recoverable tokens
        </Title>
        <Switch
          label="Keep new tokens so that their owner can reveal and copy them again"
          checked={on}
          disabled={!owner || save.isPending}
          onChange={(e) => save.mutate(e.currentTarget.checked)}
        />
        <Text size="sm" c="dimmed">
          Off: a token is shown once, when it is created. On: new tokens (and their rotations and renewals)
          are kept encrypted; only a token’s owner can reveal it, after a fresh sign-in, and every reveal is
          recorded in the audit log and mailed to them. Anyone holding both the database and its encryption
          key could read kept tokens. Turning it off deletes every kept token at once.
        </Text>
        {!owner && (
          <Text size="sm" c="dimmed">
            Only owners change this choice.
          </Text>
        )}
        {on && (
          <Alert color="gray" role="status">
            Tokens created before it was turned on were not kept and cannot be revealed.
          </Alert>
        )}
        <ProblemAlert error={save.error} title="The policy was not changed" />
      </Stack>
    </Card>
  );
}
