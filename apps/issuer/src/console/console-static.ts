import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ConsoleSettings } from './console-settings';

/** The path the console is served at, on the issuer's own origin (so no CORS is ever opened). */
export const CONSOLE_PATH = '/console';

/** Paths under /console that are API endpoints (console.module.ts), not files. */
const ENDPOINTS = new Set(['/config.json', '/dev-session']);

/**
 * Serves the built console (`apps/console/dist`) at /console: files as they are (hashed assets cached
 * for a year), every other GET that asks for a page answers index.html, the single-page app's entry.
 * When the console was not built, /console says how to build it.
 */
export function serveConsole(app: INestApplication, distDir: string, settings: ConsoleSettings): void {
  const headers = securityHeaders(settings);
  const index = join(distDir, 'index.html');
  const files = express.static(distDir, {
    index: false,
    fallthrough: true,
    redirect: false,
    setHeaders: (res, path) => {
      res.setHeader(
        'Cache-Control',
        path.includes(`${join(distDir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.use(CONSOLE_PATH, (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || ENDPOINTS.has(req.path)) return next();
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (!existsSync(index)) {
      res
        .status(404)
        .type('application/problem+json')
        .send(
          JSON.stringify({
            type: 'about:blank',
            title: 'Not Found',
            status: 404,
            code: 'CONSOLE_NOT_BUILT',
            detail: 'The console is not built: run `npm run console:build` (npm start does it).',
          }),
        );
      return;
    }
    files(req, res, () => {
      // A file name that is not there is a 404; any other path is a page of the single-page app.
      if (/\.[A-Za-z0-9]+$/.test(req.path)) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  });
}

/** The console's own headers: nothing loads from elsewhere except the identity provider's endpoints. */
function securityHeaders(settings: ConsoleSettings): Record<string, string> {
  const connect = ["'self'"];
  if (settings.oidc) connect.push(new URL(settings.oidc.authority).origin);
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      // Mantine writes its theme's CSS variables into a <style> element.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      `connect-src ${connect.join(' ')}`,
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "object-src 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
  };
}
