import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { ApiProvider } from '../api/ApiProvider';
import { createApi } from '../api/client';
import { AuthProvider } from '../auth/AuthProvider';
import type { Session } from '../auth/session';
import { FakeIssuer } from './fake-api';

export const OWNER: Session = {
  accessToken: 'header.payload.signature',
  expiresAt: Date.now() + 3_600_000,
  tenantId: 'acme',
  userId: 'alice',
  role: 'owner',
  email: 'alice@acme.test',
  via: 'development',
};

/** Renders a page of the console against a fake issuer. */
/** Mantine's test environment: no transitions, no portals (what a test sees is there at once). */
export function renderWithApi(
  ui: ReactElement,
  issuer = new FakeIssuer(),
  session: Session = OWNER,
): RenderResult & { issuer: FakeIssuer } {
  const api = createApi({
    baseUrl: 'http://console.test',
    getAccessToken: () => session.accessToken,
    fetch: issuer.fetch,
  });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const result = render(
    <MantineProvider env="test">
      <QueryClientProvider client={queryClient}>
        <ApiProvider api={api}>
          <AuthProvider initial={session}>{ui}</AuthProvider>
        </ApiProvider>
      </QueryClientProvider>
    </MantineProvider>,
  );
  return { ...result, issuer };
}
