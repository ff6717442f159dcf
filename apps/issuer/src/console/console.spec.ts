import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Global, type INestApplication, Module, ValidationPipe } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { jwtVerify } from 'jose';
import request from 'supertest';
import { ProblemDetailsFilter } from '@latchkey/service-runtime';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { ConsoleModule } from './console.module';
import { consoleSettings, devSignInEnabled } from './console-settings';
import { serveConsole } from './console-static';

const SECRET = 'd'.repeat(64);

function configWith(overrides: Partial<IssuerConfig>): IssuerConfig {
  return {
    ADMIN_JWT_SECRET: SECRET,
    ADMIN_JWKS_URL: undefined,
    CONSOLE_OIDC_SCOPE: 'openid profile email',
    ...overrides,
  } as IssuerConfig;
}

async function startConsole(
  config: IssuerConfig,
  distDir: string,
  nodeEnv?: string,
): Promise<INestApplication> {
  @Global()
  @Module({ providers: [{ provide: ISSUER_CONFIG, useValue: config }], exports: [ISSUER_CONFIG] })
  class ConfigModule {}
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule, ConsoleModule.forRoot(config, nodeEnv)],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }));
  serveConsole(app, distDir, consoleSettings(config, nodeEnv));
  await app.init();
  return app;
}

describe('the console on the issuer', () => {
  let dist: string;
  let app: INestApplication | undefined;

  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Latchkey console</title>');
    writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  describe('the development sign-in', () => {
    it('exists only with the HS256 development secret, no JWKS, and outside production', () => {
      expect(devSignInEnabled(configWith({}), 'development')).toBe(true);
      expect(devSignInEnabled(configWith({}), undefined)).toBe(true);
      expect(devSignInEnabled(configWith({}), 'production')).toBe(false);
      expect(
        devSignInEnabled(configWith({ ADMIN_JWKS_URL: 'https://idp.example/jwks' }), 'development'),
      ).toBe(false);
      expect(devSignInEnabled(configWith({ ADMIN_JWT_SECRET: undefined }), 'development')).toBe(false);
    });

    it('signs an admin JWT for the chosen tenant, user and role with the development secret', async () => {
      app = await startConsole(configWith({}), dist, 'development');
      const res = await request(app.getHttpServer())
        .post('/console/dev-session')
        .send({ tenantId: 'acme', userId: 'alice', role: 'admin' })
        .expect(201);
      const { payload } = await jwtVerify(res.body.accessToken, new TextEncoder().encode(SECRET), {
        algorithms: ['HS256'],
      });
      expect(payload).toMatchObject({ sub: 'alice', tid: 'acme', role: 'admin', email: 'alice@acme.test' });
      expect(new Date(res.body.expiresAt).getTime()).toBe((payload.exp ?? 0) * 1000);
    });

    it('refuses an unknown role with a problem+json 400', async () => {
      app = await startConsole(configWith({}), dist, 'development');
      const res = await request(app.getHttpServer())
        .post('/console/dev-session')
        .send({ tenantId: 'acme', userId: 'alice', role: 'root' })
        .expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('does not exist in production', async () => {
      app = await startConsole(configWith({}), dist, 'production');
      await request(app.getHttpServer())
        .post('/console/dev-session')
        .send({ tenantId: 'acme', userId: 'alice', role: 'owner' })
        .expect(404);
      const settings = await request(app.getHttpServer()).get('/console/config.json').expect(200);
      expect(settings.body).toEqual({ devSignIn: false, oidc: null });
    });

    it('does not exist when admins sign in through an identity provider', async () => {
      const config = configWith({
        ADMIN_JWKS_URL: 'https://idp.example/jwks',
        CONSOLE_OIDC_ISSUER_URL: 'https://idp.example/',
        CONSOLE_OIDC_CLIENT_ID: 'latchkey-console',
        ADMIN_JWT_AUDIENCE: 'latchkey',
      });
      app = await startConsole(config, dist, 'development');
      await request(app.getHttpServer()).post('/console/dev-session').send({}).expect(404);
      const res = await request(app.getHttpServer()).get('/console/config.json').expect(200);
      expect(res.body).toEqual({
        devSignIn: false,
        oidc: {
          authority: 'https://idp.example/',
          clientId: 'latchkey-console',
          audience: 'latchkey',
          scope: 'openid profile email',
        },
      });
      // The console may talk to the identity provider, and to nothing else but its own origin.
      const page = await request(app.getHttpServer()).get('/console/').expect(200);
      expect(page.headers['content-security-policy']).toContain("connect-src 'self' https://idp.example");
    });
  });

  describe('the static files', () => {
    it('serves index.html for every page of the app, and assets with a long cache', async () => {
      app = await startConsole(configWith({}), dist, 'development');
      const server = app.getHttpServer();
      for (const path of ['/console', '/console/', '/console/tokens/0f4b', '/console/members']) {
        const res = await request(server).get(path).expect(200);
        expect(res.text).toContain('<title>Latchkey console</title>');
        expect(res.headers['cache-control']).toBe('no-cache');
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      }
      const asset = await request(server).get('/console/assets/index-abc.js').expect(200);
      expect(asset.headers['cache-control']).toContain('immutable');
      await request(server).get('/console/assets/missing.js').expect(404);
    });

    it('says how to build the console when it was not built', async () => {
      app = await startConsole(configWith({}), join(dist, 'nowhere'), 'development');
      const res = await request(app.getHttpServer()).get('/console/').expect(404);
      expect(res.body.code).toBe('CONSOLE_NOT_BUILT');
    });
  });
});
