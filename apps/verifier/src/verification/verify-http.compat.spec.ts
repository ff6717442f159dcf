import type { NestExpressApplication } from '@nestjs/platform-express';
import frameworkAnswers from '../testing/verify-http-framework-answers.json';
import { RAW_CASES, type RawAnswer, send } from '../testing/verify-http-cases';
import { verificationHttpApp } from '../testing/verification-http-app';

/**
 * verify-http-framework-answers.json holds what the verifier answered to RAW_CASES when POST /v1/verify went through
 * Nest and Express (class-validator DTO, ValidationPipe, body-parser, ProblemDetailsFilter), recorded
 * with that code before it was replaced. The lean handler must answer every one of them the same:
 * status, Content-Type, Retry-After, Allow and the body byte for byte.
 */
describe('POST /v1/verify answers as the framework pipeline did', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    ({ app } = await verificationHttpApp({ catalog: ['projects:read'], refusalLimit: 1e9 }));
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
  });

  const recorded = frameworkAnswers as unknown as Record<string, RawAnswer>;
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
