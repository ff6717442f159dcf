import { z } from 'zod';
import { env, rateLimitSetting } from '@latchkey/service-runtime';
import { parseKeysDocument } from './leak-signature';

/**
 * The issuer's settings of the leak intake (`POST /v1/leaks`) and of `POST /v1/tokens/revoke-self`,
 * spread into the issuer's config schema. The intake is off until a key source is set.
 */
export function leakSettings() {
  return {
    LEAK_REPORT_KEYS_URL: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        'URL of the secret scanner’s public keys document, e.g. https://api.github.com/meta/public_keys/secret_scanning; fetched when a report names a key not yet known, and cached',
      ),
    LEAK_REPORT_PUBLIC_KEYS: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return [];
        try {
          return parseKeysDocument(JSON.parse(text));
        } catch (error) {
          ctx.addIssue((error as Error).message);
          return z.NEVER;
        }
      })
      .describe(
        'keys given inline, in the same JSON shape: {"public_keys":[{"key_identifier":"…","key":"<PEM>"}]}; checked before LEAK_REPORT_KEYS_URL',
      ),
    LEAK_REPORT_KEYS_TIMEOUT_MS: env.durationMs(5_000, 'how long fetching the public keys document may take'),
    LEAK_REPORT_KEYS_CACHE_MS: env.durationMs(
      3_600_000,
      'how long a fetched keys document is used before it is fetched again',
    ),
    LEAK_REPORT_KEYS_REFRESH_MIN_MS: env.durationMs(
      60_000,
      'least time between two fetches of the keys document (a report naming an unknown key fetches it at most this often)',
    ),
    LEAK_REPORT_BODY_LIMIT: env.textWithDefault('512kb', 'largest accepted leak report body'),
    LEAK_REPORT_MAX_TOKENS: env.positiveInt(1_000, 'most tokens one leak report may list'),
    REVOKE_SELF_RATE_LIMIT: rateLimitSetting(
      '10/1m',
      'POST /v1/tokens/revoke-self requests per source address; over it: 429 RATE_LIMITED',
    ),
  };
}
