import { Alert, Button, Card, Code, CopyButton, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/ApiProvider';
import { ApiError, type Token, unwrap } from '../../api/client';
import { useAuth } from '../../auth/AuthProvider';
import { ProblemAlert } from '../../components/common';

/**
 * Seed 003's "In the detail view below the token, click on Copy": for the owner of a live token in a
 * tenant with recoverable tokens on. Revealing needs a fresh sign-in and is audited and mailed to the
 * owner; the plaintext lives only in this component's state and is dropped with it (or on Hide).
 */
export function RecoverToken({ token }: { token: Token }) {
  const api = useApi();
  const { session, signOut } = useAuth();
  const policy = useQuery({
    queryKey: ['policy'],
    queryFn: async () => unwrap(await api.GET('/v1/tenant/policy')),
  });
  const reveal = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/v1/tokens/{id}/reveal', { params: { path: { id: token.id } } })),
  });
  const owner = session !== null && token.createdBy.id === session.userId;
  if (!owner || token.status !== 'active' || policy.data?.recoverableTokens !== true) return null;
  const staleSignIn =
    reveal.error instanceof ApiError && reveal.error.problem?.code === 'FRESH_SIGN_IN_REQUIRED';
  return (
    <Card withBorder aria-label="Recoverable token">
      <Stack gap="sm">
        <Title order={2} size="h4">
          Token
        </Title>
        {reveal.data ? (
          <>
            <Code block data-testid="revealed-token" style={{ wordBreak: 'break-all', fontSize: 14 }}>
              {reveal.data.token}
            </Code>
            <Group>
              <CopyButton value={reveal.data.token} timeout={3000}>
                {({ copied, copy }) => (
                  <Button
                    variant={copied ? 'light' : 'filled'}
                    color={copied ? 'teal' : undefined}
                    onClick={copy}
                  >
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
              <Button variant="default" onClick={() => reveal.reset()}>
                Hide
              </Button>
            </Group>
          </>
        ) : (
          <>
            <Text size="sm" c="dimmed">
              Your organisation keeps tokens recoverable. Revealing this one needs a sign-in within the last
              few minutes; it is recorded in the audit log and you are told by mail.
            </Text>
            <Group>
              <Button onClick={() => reveal.mutate()} loading={reveal.isPending}>
                Reveal and copy
              </Button>
            </Group>
          </>
        )}
        {staleSignIn ? (
          <Alert color="orange" title="Sign in again to reveal this token" role="alert">
            <Stack gap="xs" align="start">
              <Text size="sm">For your security, revealing a token needs a recent sign-in.</Text>
              <Button size="xs" variant="light" onClick={signOut}>
                Sign in again
              </Button>
            </Stack>
          </Alert>
        ) : (
          <ProblemAlert error={reveal.error} title="The token could not be revealed" />
        )}
      </Stack>
    </Card>
  );
}
