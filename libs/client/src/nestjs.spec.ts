import 'reflect-metadata';
import { Controller, Get, type INestApplication, Req, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { VerifyReason } from '@latchkey/contracts';
import { generateToken } from '@latchkey/token-format';
import { LatchkeyGuard } from './nestjs';
import { FakeVerifier, verdict } from './testing/fakes';
import type { Verdict } from './verify/types';

let answer: VerifyReason = VerifyReason.Ok;
const verifier = new FakeVerifier(() => Promise.resolve(verdict(answer)));

@Controller()
class ProjectsController {
  @Get('projects/:id')
  @UseGuards(
    new LatchkeyGuard<{ headers: Record<string, string>; params: { id: string } }>(verifier, {
      requiredScopes: ['projects:read'],
      resource: (request) => request.params.id,
    }),
  )
  read(@Req() request: { latchkey?: Verdict }): { tokenId: string | null | undefined } {
    return { tokenId: request.latchkey?.tokenId };
  }
}

describe('the NestJS guard (Express platform)', () => {
  let app: INestApplication;
  let url: string;
  const token = generateToken().token;

  beforeAll(async () => {
    const module = await Test.createTestingModule({ controllers: [ProjectsController] }).compile();
    app = module.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/projects/p-7`;
  });

  afterAll(() => app.close());

  it('lets an accepted token through, verified for the route scope and the resource from the path', async () => {
    answer = VerifyReason.Ok;
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 200,
      body: { tokenId: 'tok-1' },
    });
    expect(verifier.calls.at(-1)?.needs).toMatchObject({
      requiredScopes: ['projects:read'],
      resource: 'p-7',
    });
  });

  it.each([
    [VerifyReason.Revoked, 401],
    [VerifyReason.ResourceForbidden, 403],
  ])('answers %s as %i problem+json', async (reason, status) => {
    answer = reason;
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error=/);
    expect(await res.json()).toMatchObject({ status, code: reason });
  });

  it('refuses a malformed token without asking the verifier', async () => {
    const before = verifier.calls.length;
    const res = await fetch(url, { headers: { authorization: 'Bearer lk_nope' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'MALFORMED' });
    expect(verifier.calls).toHaveLength(before);
  });
});
