import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { OWNER } from '../test/render';
import { AuthProvider, useAuth } from './AuthProvider';

describe('AuthProvider', () => {
  it('forgets everything the previous person loaded when signing out and in', () => {
    const queryClient = new QueryClient();
    let auth: ReturnType<typeof useAuth> | undefined;
    function Probe() {
      auth = useAuth();
      return null;
    }
    render(
      <QueryClientProvider client={queryClient}>
        <AuthProvider initial={OWNER}>
          <Probe />
        </AuthProvider>
      </QueryClientProvider>,
    );
    queryClient.setQueryData(['tokens', { page: 1 }], { items: ['secret list'] });
    act(() => auth!.signOut());
    expect(queryClient.getQueryData(['tokens', { page: 1 }])).toBeUndefined();
    expect(sessionStorage.length).toBe(0);

    queryClient.setQueryData(['policy'], { plan: 'free' });
    const payload = btoa(JSON.stringify({ sub: 'mia', tid: 'acme', role: 'member', exp: 4_000_000_000 }));
    act(() => auth!.signIn(`h.${payload}.s`, 'development'));
    expect(queryClient.getQueryData(['policy'])).toBeUndefined();
    expect(auth!.session).toMatchObject({ userId: 'mia', tenantId: 'acme', role: 'member' });
    expect(sessionStorage.length).toBe(1);
  });
});
