import { Alert, Button, Card, Center, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, type Problem } from '../api/client';
import { useAuth } from '../auth/AuthProvider';
import { type OidcSettings, startOidcSignIn } from '../auth/oidc';
import { ProblemAlert } from '../components/common';

export interface ConsoleSettings {
  devSignIn: boolean;
  oidc: OidcSettings | null;
}

/** Sign-in: the identity provider (OIDC + PKCE) in production; pick tenant, user and role in development. */
export function SignInPage({ settings }: { settings: ConsoleSettings }) {
  return (
    <Center mih="100vh" bg="gray.0">
      <Card withBorder shadow="sm" w={420} padding="xl" component="main">
        <Stack>
          <Title order={1} size="h2">
            Sign in to Latchkey
          </Title>
          {settings.oidc && <OidcSignIn oidc={settings.oidc} />}
          {settings.devSignIn && <DevSignIn />}
          {!settings.oidc && !settings.devSignIn && (
            <Alert color="red" title="No sign-in is configured">
              Set CONSOLE_OIDC_ISSUER_URL and CONSOLE_OIDC_CLIENT_ID on the issuer.
            </Alert>
          )}
        </Stack>
      </Card>
    </Center>
  );
}

function OidcSignIn({ oidc }: { oidc: OidcSettings }) {
  const signIn = useMutation({ mutationFn: () => startOidcSignIn(oidc) });
  return (
    <Stack gap="xs">
      <Button onClick={() => signIn.mutate()} loading={signIn.isPending}>
        Sign in with your identity provider
      </Button>
      <ProblemAlert error={signIn.error} title="Sign-in could not start" />
    </Stack>
  );
}

function DevSignIn() {
  const { signIn } = useAuth();
  const [tenantId, setTenantId] = useState('acme');
  const [userId, setUserId] = useState('alice');
  const [role, setRole] = useState('owner');
  const session = useMutation({
    mutationFn: async () => {
      const response = await fetch('/console/dev-session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ tenantId: tenantId.trim(), userId: userId.trim(), role }),
      });
      const body = (await response.json()) as { accessToken?: string } & Partial<Problem>;
      if (!response.ok || !body.accessToken) throw new ApiError(response.status, body);
      return body.accessToken;
    },
    onSuccess: (accessToken) => signIn(accessToken, 'development'),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    session.mutate();
  };
  return (
    <form onSubmit={submit}>
      <Stack gap="sm">
        <Alert color="blue" title="Development sign-in">
          <Text size="sm">
            This issuer runs with the development secret, so you can sign in as anyone. It is not available in
            production.
          </Text>
        </Alert>
        <TextInput
          label="Tenant"
          required
          value={tenantId}
          onChange={(e) => setTenantId(e.currentTarget.value)}
        />
        <TextInput label="User" required value={userId} onChange={(e) => setUserId(e.currentTarget.value)} />
        <Select
          label="Role"
          data={[
            { value: 'owner', label: 'Owner' },
            { value: 'admin', label: 'Admin' },
            { value: 'member', label: 'Member' },
          ]}
          value={role}
          allowDeselect={false}
          onChange={(v) => setRole(v ?? 'owner')}
        />
        <ProblemAlert error={session.error} title="Sign-in failed" />
        <Button type="submit" loading={session.isPending}>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
