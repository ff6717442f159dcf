import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type KeyLike, SignJWT } from 'jose';
import { generateToken } from '@latchkey/token-format';
import type { IssuerConfig } from '../config';
import { AdminJwtVerifier } from './admin-jwt-verifier';
import { AuthErrorCode } from './auth.errors';

const secret = 'a-development-secret-of-at-least-32-chars';
const verifier = new AdminJwtVerifier({ ADMIN_JWT_SECRET: secret } as IssuerConfig);

function sign(claims: Record<string, unknown>, { key = secret, subject = 'alice', exp = '5m' } = {}) {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (subject) jwt = jwt.setSubject(subject);
  if (exp) jwt = jwt.setExpirationTime(exp);
  return jwt.sign(new TextEncoder().encode(key));
}

const valid = { tid: 'acme', role: 'admin', email: 'alice@acme.test', email_verified: true };

describe('AdminJwtVerifier', () => {
  it('turns a valid JWT into a principal', async () => {
    await expect(verifier.verify(`Bearer ${await sign(valid)}`)).resolves.toEqual({
      userId: 'alice',
      tenantId: 'acme',
      role: 'admin',
      email: 'alice@acme.test',
      emailVerified: true,
      authTime: null,
    });
  });

  it('carries the sign-in time (auth_time) when the JWT has one', async () => {
    const principal = await verifier.verify(`Bearer ${await sign({ ...valid, auth_time: 1_700_000_000 })}`);
    expect(principal.authTime).toBe(1_700_000_000);
  });

  it('reads a non-numeric auth_time as no sign-in time', async () => {
    const principal = await verifier.verify(`Bearer ${await sign({ ...valid, auth_time: 'yesterday' })}`);
    expect(principal.authTime).toBeNull();
  });

  it.each([
    ['sub', { ...valid }, 'ali\u0000ce'],
    ['tid', { ...valid, tid: 'ac\u0000me' }, 'alice'],
    ['tid', { ...valid, tid: 'acme\ud800' }, 'alice'],
    ['email', { ...valid, email: 'alice@acme.test\u0007' }, 'alice'],
  ])('refuses a validly signed JWT whose %s holds unsafe text (400)', async (claim, claims, subject) => {
    await expect(verifier.verify(`Bearer ${await sign(claims, { subject })}`)).rejects.toMatchObject({
      code: 'INVALID_CHARACTERS',
      status: 400,
      extensions: { location: `jwt.${claim}` },
    });
  });

  it('treats a missing email_verified as unverified', async () => {
    const principal = await verifier.verify(`Bearer ${await sign({ tid: 'acme', role: 'member' })}`);
    expect(principal).toMatchObject({ emailVerified: false, email: null, role: 'member' });
  });

  it.each([undefined, '', 'Basic abc', 'Bearer'])(
    'asks for a bearer JWT when the header is %p',
    async (header) => {
      await expect(verifier.verify(header)).rejects.toMatchObject({
        code: AuthErrorCode.Unauthenticated,
        status: 401,
      });
    },
  );

  it('refuses API tokens: tokens cannot manage tokens', async () => {
    await expect(verifier.verify(`Bearer ${generateToken().token}`)).rejects.toMatchObject({
      code: AuthErrorCode.ApiTokenNotAccepted,
    });
  });

  it.each([
    ['signed with another key', () => sign(valid, { key: 'another-secret-that-is-long-enough-too' })],
    ['expired', () => sign(valid, { exp: '-1m' })],
    ['without exp', () => sign(valid, { exp: '' })],
    ['without sub', () => sign(valid, { subject: '' })],
    ['without tenant', () => sign({ role: 'admin' })],
    ['with an unknown role', () => sign({ tid: 'acme', role: 'superuser' })],
  ])('refuses a JWT %s', async (_label, make) => {
    await expect(verifier.verify(`Bearer ${await make()}`)).rejects.toMatchObject({
      code: AuthErrorCode.InvalidAdminToken,
      status: 401,
    });
  });

  it('refuses an unsigned JWT (alg none)', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({ ...valid, sub: 'alice', exp: Date.now() / 1000 + 60 }),
    ).toString('base64url');
    await expect(verifier.verify(`Bearer ${header}.${body}.`)).rejects.toMatchObject({
      code: AuthErrorCode.InvalidAdminToken,
    });
  });
});

describe('AdminJwtVerifier: issuer and audience', () => {
  const ISS = 'https://idp.example.com/';
  const AUD = 'latchkey';

  const claimed = (key: Uint8Array, alg: string, iss?: string, aud?: string) => {
    let jwt = new SignJWT(valid).setProtectedHeader({ alg }).setSubject('alice').setIssuedAt();
    jwt = jwt.setExpirationTime('5m');
    if (iss) jwt = jwt.setIssuer(iss);
    if (aud) jwt = jwt.setAudience(aud);
    return jwt.sign(key);
  };

  describe('with a JWKS', () => {
    let server: Server;
    let jwksVerifier: AdminJwtVerifier;
    let privateKey: KeyLike;

    beforeAll(async () => {
      const pair = await generateKeyPair('ES256', { extractable: true });
      privateKey = pair.privateKey;
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
      server = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      jwksVerifier = new AdminJwtVerifier({
        ADMIN_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
        ADMIN_JWT_ISSUER: ISS,
        ADMIN_JWT_AUDIENCE: AUD,
      } as IssuerConfig);
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    const es256 = (iss?: string, aud?: string) =>
      new SignJWT(valid)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setSubject('alice')
        .setIssuedAt()
        .setExpirationTime('5m')
        .setIssuer(iss ?? '')
        .setAudience(aud ?? '')
        .sign(privateKey);

    it('accepts a JWT for Latchkey from the configured issuer', async () => {
      await expect(jwksVerifier.verify(`Bearer ${await es256(ISS, AUD)}`)).resolves.toMatchObject({
        userId: 'alice',
      });
    });

    it.each([
      ['another application (foreign aud)', ISS, 'crm-app'],
      ['another issuer (foreign iss)', 'https://evil.example.com/', AUD],
    ])('refuses a JWT signed by the same keys for %s', async (_label, iss, aud) => {
      await expect(jwksVerifier.verify(`Bearer ${await es256(iss, aud)}`)).rejects.toMatchObject({
        code: AuthErrorCode.InvalidAdminToken,
        status: 401,
      });
    });
  });

  describe('with the HS256 secret and iss/aud configured', () => {
    const hsVerifier = new AdminJwtVerifier({
      ADMIN_JWT_SECRET: secret,
      ADMIN_JWT_ISSUER: ISS,
      ADMIN_JWT_AUDIENCE: AUD,
    } as IssuerConfig);
    const key = new TextEncoder().encode(secret);

    it('accepts the expected iss and aud', async () => {
      await expect(
        hsVerifier.verify(`Bearer ${await claimed(key, 'HS256', ISS, AUD)}`),
      ).resolves.toMatchObject({
        userId: 'alice',
      });
    });

    it.each([
      ['a foreign aud', ISS, 'crm-app'],
      ['a foreign iss', 'https://evil.example.com/', AUD],
      ['no iss or aud', undefined, undefined],
    ])('refuses %s', async (_label, iss, aud) => {
      await expect(
        hsVerifier.verify(`Bearer ${await claimed(key, 'HS256', iss, aud)}`),
      ).rejects.toMatchObject({
        code: AuthErrorCode.InvalidAdminToken,
      });
    });
  });
});
