import '@mantine/core/styles.css';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/ApiProvider';
import { createApi } from './api/client';
import { App } from './App';
import { AuthProvider } from './auth/AuthProvider';
import { clearSession, loadSession } from './auth/session';
import { cssVariablesResolver, theme } from './theme';

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
});
const api = createApi({
  getAccessToken: () => loadSession()?.accessToken ?? null,
  onUnauthorized: () => {
    clearSession();
    window.location.reload();
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      <QueryClientProvider client={queryClient}>
        <ApiProvider api={api}>
          <AuthProvider>
            <App />
          </AuthProvider>
        </ApiProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
