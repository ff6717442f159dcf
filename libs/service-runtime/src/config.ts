import { z } from 'zod';

/** Raised at start-up when configuration is missing or wrong; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates environment variables against a schema whose fields are named after the variables.
 * Each field should carry a `.describe('what it is for')`, which is quoted when it is missing.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    input[key] = value === '' ? undefined : value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(config)';
    const field = schema.shape[variable] as z.ZodType | undefined;
    const purpose = field?.description ? ` (${field.description})` : '';
    return input[variable] === undefined && issue.code === 'invalid_type'
      ? `missing ${variable}${purpose}`
      : `bad ${variable}: ${issue.message}${purpose}`;
  });
  throw new ConfigError(problems);
}

/** Common field builders, so every app spells the same variable the same way. */
export const env = {
  port: (fallback: number, what: string) =>
    z.coerce.number().int().min(0).max(65535).default(fallback).describe(what),
  durationMs: (fallback: number, what: string) =>
    z.coerce.number().int().positive().default(fallback).describe(what),
  positiveInt: (fallback: number, what: string) =>
    z.coerce.number().int().positive().default(fallback).describe(what),
  url: (what: string) => z.url().describe(what),
  text: (what: string) => z.string().min(1).describe(what),
  textWithDefault: (fallback: string, what: string) => z.string().default(fallback).describe(what),
  brokers: (what: string) =>
    z
      .string()
      .min(1)
      .transform((value) =>
        value
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean),
      )
      .describe(what),
  /** A comma-separated list of `<resource>:read|write` scopes. */
  scopeCatalog: (fallback: readonly string[]) =>
    z
      .string()
      .default(fallback.join(','))
      .transform((value) =>
        value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .refine(
        (scopes) => scopes.length > 0 && scopes.every((s) => /^[a-z][a-z0-9_-]*:(read|write)$/.test(s)),
        {
          message: 'must be a comma-separated list of <resource>:read or <resource>:write scopes',
        },
      )
      .describe('the scopes tokens may be granted, e.g. projects:read,projects:write'),
  /** The key authenticating entries of the verifiers' Redis cache; issuer and verifier share it. */
  cacheSigningKey: () =>
    z
      .string()
      .min(32, 'must be at least 32 characters (openssl rand -hex 32)')
      .describe('HMAC key of the verifiers’ cache entries; the same value in the issuer and the verifier'),
  /** `true` or `false`, nothing else (a typo must not silently mean either). */
  flag: (fallback: boolean, what: string) =>
    z
      .enum(['true', 'false'])
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true')
      .describe(what),
  logLevel: () => z.enum(['debug', 'info', 'warn', 'error']).default('info').describe('minimum log level'),
};
