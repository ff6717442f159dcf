import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/** The console is served by the issuer at /console (apps/issuer/src/console), from the same origin. */
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  // The target is the first page's JavaScript ≤ 250 kB gzipped (the build prints it), not 500 kB unzipped.
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 900,
  },
  server: {
    // `npx vite` in apps/console: the dev server forwards the API to a local issuer.
    proxy: {
      '/v1': 'http://127.0.0.1:3000',
      '/apiAccessTokens': 'http://127.0.0.1:3000',
      '/console/config.json': 'http://127.0.0.1:3000',
      '/console/dev-session': 'http://127.0.0.1:3000',
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
    testTimeout: 20_000,
  },
});
