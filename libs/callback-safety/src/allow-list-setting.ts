import { z } from 'zod';
import { parseAllowList } from './callback-url';

/**
 * `CALLBACK_ALLOW_LIST` as a configuration field: a comma-separated list parsed by `parseAllowList`, empty
 * by default, failing configuration loading with the bad entry named. The issuer (save-time check) and the
 * worker (send-time check) read the same variable the same way.
 */
export function callbackAllowListSetting() {
  return z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parseAllowList(text);
      } catch (error) {
        ctx.addIssue((error as Error).message);
        return z.NEVER;
      }
    })
    .describe(
      'development/tests only: local callback receivers allowed past the SSRF guard (origins or host:port)',
    );
}
