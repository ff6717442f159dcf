import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';

/**
 * Prints a signed admin JWT for local development, as the identity provider would issue it:
 *   npm run -s dev:jwt -- --tenant acme --user alice --role admin [--email alice@acme.test] [--ttl 1h]
 * Signs with ADMIN_JWT_SECRET from the environment or from .env in the current directory.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string', default: 'acme' },
      user: { type: 'string', default: 'alice' },
      role: { type: 'string', default: 'admin' },
      email: { type: 'string' },
      unverified: { type: 'boolean', default: false },
      ttl: { type: 'string', default: '1h' },
    },
  });
  const secret = process.env.ADMIN_JWT_SECRET || secretFromDotEnv();
  if (!secret) {
    console.error('missing ADMIN_JWT_SECRET: set it, or run `npm start` once to create .env with one');
    process.exit(1);
  }
  const jwt = await new SignJWT({
    tid: values.tenant,
    role: values.role,
    email: values.email ?? `${values.user}@${values.tenant}.test`,
    email_verified: !values.unverified,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(values.user)
    .setIssuedAt()
    .setExpirationTime(values.ttl)
    .sign(new TextEncoder().encode(secret));
  process.stdout.write(jwt + '\n');
}

function secretFromDotEnv(): string | undefined {
  try {
    const line = readFileSync('.env', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('ADMIN_JWT_SECRET='));
    return (
      line
        ?.slice('ADMIN_JWT_SECRET='.length)
        .trim()
        .replace(/^["']|["']$/g, '') || undefined
    );
  } catch {
    return undefined;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
