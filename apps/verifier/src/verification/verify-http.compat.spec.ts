import { Global, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { VERIFIER_CONFIG } from '../config';
import {
  countRefusals,
  FakeUsageEventSink,
  InMemoryOwnerDirectory,
  InMemoryTokenStateCache,
  InMemoryTokenStore,
  ManualClock,
} from '../testing/fakes';
import { USAGE_EVENT_SINK } from '../usage/usage-event-sink';
import { configureHttp } from '../verifier.app';
import { OWNER_DIRECTORY } from './owner-directory';
import { REFUSAL_LIMITER, RefusalLimiter } from './refusal-limiter';
import frameworkAnswers from '../testing/verify-http-framework-answers.json';
import { RAW_CASES, type RawAnswer, send } from '../testing/verify-http-cases';
import { TOKEN_STATE_CACHE } from './token-state-cache';
import { TOKEN_STORE } from './token-store';
import { VerificationModule } from './verification.module';

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
        TOKEN_SCOPE_CATALOG: ['projects:read'],
      },
    },
  ],
  exports: [VERIFIER_CONFIG],
})
class FakeConfigModule {}

/**
 * verify-http-framework-answers.json holds what the verifier answered to RAW_CASES when POST /v1/verify went through
 * Nest and Express (class-validator DTO, ValidationPipe, body-parser, ProblemDetailsFilter), recorded
 * with that code before it was replaced. The lean handler must answer every one of them the same:
 * status, Content-Type, Retry-After, Allow and the body byte for byte.
 */
describe('POST /v1/verify answers as the framework pipeline did', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    const clock = new ManualClock();
    const moduleRef = await Test.createTestingModule({ imports: [FakeConfigModule, VerificationModule] })
      .overrideProvider(TOKEN_STATE_CACHE)
      .useValue(new InMemoryTokenStateCache())
      .overrideProvider(TOKEN_STORE)
      .useValue(new InMemoryTokenStore())
      .overrideProvider(OWNER_DIRECTORY)
      .useValue(new InMemoryOwnerDirectory())
      .overrideProvider(REFUSAL_LIMITER)
      .useValue(new RefusalLimiter(countRefusals(1e9, clock), clock.now))
      .overrideProvider(USAGE_EVENT_SINK)
      .useValue(new FakeUsageEventSink())
      .compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
    configureHttp(app);
    await app.init();
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
  });

  const recorded = frameworkAnswers as Record<string, RawAnswer>;
  /** Unknown fields the framework path let through unnoticed (class-transformer skips these names). */
  const nowRefused = new Set(['a __proto__ field', 'a constructor field']);

  it('has a recorded answer for every case', () => {
    expect(RAW_CASES.map((c) => c.name).sort()).toEqual(Object.keys(recorded).sort());
  });

  it.each(RAW_CASES.filter((c) => !nowRefused.has(c.name)).map((c) => [c.name, c] as const))(
    '%s',
    async (_name, testCase) => {
      expect(await send(app.getHttpServer(), testCase)).toEqual(recorded[testCase.name]);
    },
  );

  it.each([...nowRefused])('%s: refused now, as every other unknown field', async (name) => {
    const testCase = RAW_CASES.find((c) => c.name === name)!;
    const answer = await send(app.getHttpServer(), testCase);

    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [expect.stringMatching(/^property (__proto__|constructor) should not exist$/)],
    });
  });
});
