import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';

/**
 * Prints a signed admin JWT for local development, as the identity provider would issue it:
 *   npm run -s dev:jwt -- --tenant acme --user alice --role admin [--email alice@acme.test] [--ttl 1h]
 * Signs with ADMIN_JWT_SECRET from the environment or from .env in the current directory, and claims the
 * ADMIN_JWT_ISSUER / ADMIN_JWT_AUDIENCE the issuer checks, when they are set there.
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
  const secret = process.env.ADMIN_JWT_SECRET || fromDotEnv('ADMIN_JWT_SECRET');
  const issuer = process.env.ADMIN_JWT_ISSUER || fromDotEnv('ADMIN_JWT_ISSUER');
  const audience = process.env.ADMIN_JWT_AUDIENCE || fromDotEnv('ADMIN_JWT_AUDIENCE');
  if (!secret) {
    console.error('missing ADMIN_JWT_SECRET: set it, or run `npm start` once to create .env with one');
    process.exit(1);
  }
  let claims = new SignJWT({
    tid: values.tenant,
    role: values.role,
    email: values.email ?? `${values.user}@${values.tenant}.test`,
    email_verified: !values.unverified,
    // Signing a development JWT stands for a sign-in: a recoverable token can be revealed with it.
    auth_time: Math.floor(Date.now() / 1000),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(values.user)
    .setIssuedAt()
    .setExpirationTime(values.ttl);
  if (issuer) claims = claims.setIssuer(issuer);
  if (audience) claims = claims.setAudience(audience);
  const jwt = await claims.sign(new TextEncoder().encode(secret));
  process.stdout.write(jwt + '\n');
}

function fromDotEnv(name: string): string | undefined {
  try {
    const line = readFileSync('.env', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${name}=`));
    return (
      line
        ?.slice(name.length + 1)
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
