import { AppShell, Badge, Button, Group, NavLink, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { isManager, useAuth } from './auth/AuthProvider';
import { completeOidcSignIn } from './auth/oidc';
import { Loading, ProblemAlert } from './components/common';
import { BASE, Link, matchPath, navigate, usePath } from './lib/router';
import { AuditPage } from './pages/AuditPage';
import { MembersPage } from './pages/MembersPage';
import { RedeemPage } from './pages/RedeemPage';
import { SettingsPage } from './pages/SettingsPage';
import { type ConsoleSettings, SignInPage } from './pages/SignInPage';
import { TokenDetailPage } from './pages/tokens/TokenDetailPage';
import { TokensPage } from './pages/tokens/TokensPage';

async function loadSettings(): Promise<ConsoleSettings> {
  const response = await fetch(`${BASE}/config.json`);
  if (!response.ok) throw new Error(`The console's settings could not be loaded (HTTP ${response.status}).`);
  return (await response.json()) as ConsoleSettings;
}

export function App() {
  const { session } = useAuth();
  const path = usePath();
  const settings = useQuery({ queryKey: ['console-settings'], queryFn: loadSettings, staleTime: Infinity });

  if (path === '/redeem') return <RedeemPage />;
  if (settings.isPending) return <Loading />;
  if (settings.error) return <ProblemAlert error={settings.error} />;
  if (path === '/callback' && settings.data.oidc) return <OidcCallback settings={settings.data} />;
  if (!session) return <SignInPage settings={settings.data} />;
  return <Shell path={path} />;
}

function OidcCallback({ settings }: { settings: ConsoleSettings }) {
  const { signIn } = useAuth();
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!settings.oidc) return;
    completeOidcSignIn(settings.oidc)
      .then((accessToken) => {
        signIn(accessToken, 'oidc');
        navigate('/', { replace: true });
      })
      .catch(setError);
  }, [settings, signIn]);
  return error ? <ProblemAlert error={error} title="Sign-in failed" /> : <Loading label="Signing in…" />;
}

const NAV = [
  { to: '/', label: 'API tokens', managersOnly: false },
  { to: '/agents', label: 'Agents', managersOnly: false },
  { to: '/members', label: 'Members', managersOnly: true },
  { to: '/audit', label: 'Audit log', managersOnly: true },
  { to: '/settings', label: 'Tenant settings', managersOnly: false },
  { to: '/redeem', label: 'Redeem a renewal key', managersOnly: false },
];

function Shell({ path }: { path: string }) {
  const { session, signOut } = useAuth();
  const tokenId = matchPath('/tokens/:id', path)?.id;
  let page;
  if (path === '/') page = <TokensPage />;
  else if (path === '/agents') page = <TokensPage purpose="agent" title="Agents" />;
  else if (tokenId) page = <TokenDetailPage id={tokenId} />;
  else if (path === '/members') page = <MembersPage />;
  else if (path === '/audit') page = <AuditPage />;
  else if (path === '/settings') page = <SettingsPage />;
  else
    page = (
      <Text>
        Page not found. <Link to="/">Back to the API tokens</Link>
      </Text>
    );
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm' }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={2} size="h4">
            Latchkey console
          </Title>
          <Group gap="sm">
            <Text size="sm">
              {session?.email ?? session?.userId} · {session?.tenantId}
            </Text>
            <Badge variant="light">{session?.role}</Badge>
            <Button
              size="xs"
              variant="default"
              onClick={() => {
                signOut();
                navigate('/', { replace: true });
              }}
            >
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        {NAV.filter((item) => !item.managersOnly || isManager(session)).map((item) => (
          <NavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={item.label}
            active={item.to === '/' ? path === '/' || path.startsWith('/tokens/') : path === item.to}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{page}</AppShell.Main>
    </AppShell>
  );
}
