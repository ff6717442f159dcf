/*
 * The verifier's HTTP side over in-memory fakes, for specs of POST /v1/verify: the verification module
 * with the real edge (`configureHttp`) and fakes behind it. No Jest here, so this file also compiles
 * where the app is built.
 */
import { Global, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { VERIFIER_CONFIG } from '../config';
import { USAGE_EVENT_SINK } from '../usage/usage-event-sink';
import { OWNER_DIRECTORY } from '../verification/owner-directory';
import { REFUSAL_LIMITER, RefusalLimiter } from '../verification/refusal-limiter';
import { TENANT_DIRECTORY } from '../verification/tenant-directory';
import { TOKEN_STATE_CACHE } from '../verification/token-state-cache';
import { TOKEN_STORE } from '../verification/token-store';
import { VerificationModule } from '../verification/verification.module';
import { configureHttp } from '../verifier.app';
import {
  countRefusals,
  FakeUsageEventSink,
  InMemoryOwnerDirectory,
  InMemoryTokenStateCache,
  InMemoryTokenStore,
  ManualClock,
} from './fakes';

export interface VerificationHttpApp {
  app: NestExpressApplication;
  cache: InMemoryTokenStateCache;
  store: InMemoryTokenStore;
}

/** Initialised, not listening; `refusalLimit` refusals per caller and minute before 429. */
export async function verificationHttpApp(options: {
  catalog: string[];
  refusalLimit: number;
}): Promise<VerificationHttpApp> {
  @Global()
  @Module({
    providers: [
      {
        provide: VERIFIER_CONFIG,
        useValue: {
          TOKEN_CACHE_TTL_SECONDS: 300,
          CACHE_SIGNING_KEY: 'k'.repeat(32),
          NEGATIVE_CACHE_TTL_SECONDS: 30,
          USAGE_FLUSH_INTERVAL_MS: 60_000,
          VERIFIER_INSTANCE_ID: 'spec',
          TOKEN_SCOPE_CATALOG: options.catalog,
        },
      },
    ],
    exports: [VERIFIER_CONFIG],
  })
  class FakeConfigModule {}

  const clock = new ManualClock();
  const cache = new InMemoryTokenStateCache();
  const store = new InMemoryTokenStore();
  const moduleRef = await Test.createTestingModule({ imports: [FakeConfigModule, VerificationModule] })
    .overrideProvider(TOKEN_STATE_CACHE)
    .useValue(cache)
    .overrideProvider(TOKEN_STORE)
    .useValue(store)
    .overrideProvider(OWNER_DIRECTORY)
    .useValue(new InMemoryOwnerDirectory())
    .overrideProvider(TENANT_DIRECTORY)
    .useValue({ hasApiAccess: () => Promise.resolve(true) })
    .overrideProvider(REFUSAL_LIMITER)
    .useValue(new RefusalLimiter(countRefusals(options.refusalLimit, clock), clock.now))
    .overrideProvider(USAGE_EVENT_SINK)
    .useValue(new FakeUsageEventSink())
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
  configureHttp(app);
  await app.init();
  return { app, cache, store };
}
