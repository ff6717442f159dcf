import { Logger } from '@nestjs/common';
import {
  createEvent,
  EventType,
  type InternalTokenState,
  type LatchkeyEvent,
  type TokenRevokedEvent,
} from '@latchkey/contracts';
import { IssuerClient, type IssuerResult } from '../issuer/issuer-client';
import { planLifecycleJobs } from '../lifecycle/lifecycle-jobs';
import type { JobQueues } from '../queues/job-queues';
import { type MailJob, WorkerQueue } from '../queues/worker-queues';
import { MailProcessor } from './mail.processor';
import type { MailTransport, OutgoingMail } from './mail-transport';

const tokenId = '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f';
const revokedAt = '2026-11-23T12:00:00.000Z';
const now = Date.parse(revokedAt);
const platform = { email: 'platform@acme.test', name: 'Platform team' };
const url = 'https://github.com/octo/app/blob/abc123/config.js';

const revoked = (data: Partial<TokenRevokedEvent['data']>) =>
  createEvent(EventType.TokenRevoked, {
    source: 'latchkey/issuer',
    subject: tokenId,
    tenantId: 'acme',
    data: { tokenId, revokedBy: 'system:secret-scanning', revokedAt, ownerId: 'alice', ...data },
  }) as LatchkeyEvent;

const leaked = (technicalOwner: typeof platform | null) =>
  revoked({
    reason: 'leaked',
    technicalOwner,
    leak: { reporter: 'github-secret-scanning', type: 'latchkey_api_token', url, source: 'content' },
  });

const mails = (event: LatchkeyEvent) => planLifecycleJobs(event, now).enqueue;
const mailKinds = (event: LatchkeyEvent) =>
  mails(event).map((job) => (job.queue === WorkerQueue.Mail ? job.data.kind : job.queue));

describe('leak mail', () => {
  describe('planning', () => {
    it('mails the owner and the technical owner of a leaked token, and nothing else', () => {
      const jobs = mails(leaked(platform));
      expect(jobs.map((job) => [job.queue, job.jobId])).toEqual([
        [WorkerQueue.Mail, `mail.leak-revoked.${tokenId}.owner`],
        [WorkerQueue.Mail, `mail.leak-revoked.${tokenId}.technical-owner`],
      ]);
      expect(jobs[0].data).toEqual({
        kind: 'leak-revoked',
        tokenId,
        recipient: 'owner',
        reason: 'leaked',
        revokedAt,
        url,
        source: 'content',
      });
    });

    it('mails only the owner when the token names no technical owner', () => {
      expect(mails(leaked(null)).map((job) => job.data)).toEqual([
        expect.objectContaining({ kind: 'leak-revoked', recipient: 'owner' }),
      ]);
    });

    it("mails the owner of a token its holder revoked, not as 'revoked by someone else'", () => {
      const jobs = mails(
        revoked({ reason: 'holder', revokedBy: `token:${tokenId}`, technicalOwner: platform }),
      );
      expect(jobs.map((job) => job.data)).toEqual([
        expect.objectContaining({ kind: 'leak-revoked', recipient: 'owner', reason: 'holder', url: null }),
        expect.objectContaining({ kind: 'leak-revoked', recipient: 'technical-owner', reason: 'holder' }),
      ]);
    });

    it('leaves other revocations to the usual mails', () => {
      expect(mailKinds(revoked({ revokedBy: 'carla', technicalOwner: platform }))).toEqual([
        'revoked-by-other',
        'technical-owner-revoked',
      ]);
      expect(mailKinds(revoked({ revokedBy: 'carla', reason: 'manual' }))).toEqual(['revoked-by-other']);
    });
  });

  describe('sending', () => {
    beforeAll(() => {
      Logger.overrideLogger(false);
    });
    afterAll(() => {
      Logger.overrideLogger(new Logger());
    });

    let tokens: Map<string, IssuerResult<InternalTokenState>>;
    let sent: OutgoingMail[];
    let processor: MailProcessor;
    const state = (overrides: Partial<InternalTokenState> = {}): InternalTokenState => ({
      id: tokenId,
      tenantId: 'acme',
      name: 'prod-main-app',
      status: 'revoked',
      expiresAt: null,
      createdBy: 'alice',
      createdByEmail: 'alice@acme.test',
      autoRenewal: null,
      replacedByTokenId: null,
      technicalOwner: platform,
      ...overrides,
    });
    const job = (extra: Partial<Extract<MailJob, { kind: 'leak-revoked' }>> = {}): MailJob => ({
      kind: 'leak-revoked',
      tokenId,
      recipient: 'owner',
      reason: 'leaked',
      revokedAt,
      url,
      source: 'content',
      ...extra,
    });

    beforeEach(() => {
      tokens = new Map([[tokenId, { kind: 'ok', value: state() }]]);
      sent = [];
      processor = new MailProcessor(
        Object.assign(Object.create(IssuerClient.prototype) as IssuerClient, {
          getToken: (id: string) => Promise.resolve(tokens.get(id) ?? { kind: 'not-found' }),
        }),
        {} as JobQueues,
        { send: (mail: OutgoingMail) => Promise.resolve(void sent.push(mail)) } as unknown as MailTransport,
        { CONSOLE_PUBLIC_URL: 'https://latchkey.example.com/console' },
      );
    });

    it('tells the owner where the token was found, that it is revoked, and what to do', async () => {
      await expect(processor.process({ data: job(), id: 'mail.l' })).resolves.toBe('sent');
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({
        to: 'alice@acme.test',
        subject: 'API token "prod-main-app" was found exposed and revoked',
      });
      expect(sent[0].text).toContain(`You own the API token "prod-main-app" (${tokenId}).`);
      expect(sent[0].text).toContain(`Where it was found: ${url} (content)`);
      expect(sent[0].text).toContain('once, at 2026-11-23 12:00:00 UTC.');
      expect(sent[0].text).toContain(`https://latchkey.example.com/console/tokens/${tokenId}`);
    });

    it('greets the technical owner by name', async () => {
      await processor.process({ data: job({ recipient: 'technical-owner' }), id: 'mail.t' });
      expect(sent[0].to).toBe('platform@acme.test');
      expect(sent[0].text).toMatch(/^Hello Platform team,/);
      expect(sent[0].text).toContain('You are named as the technical owner of the API token');
    });

    it("says the holder revoked it, and masks anything token-shaped in the scanner's URL", async () => {
      await processor.process({ data: job({ reason: 'holder', url: null, source: null }), id: 'mail.h' });
      expect(sent[0].subject).toBe('API token "prod-main-app" was revoked by its holder');
      expect(sent[0].text).toContain('by presenting the token itself');
      expect(sent[0].text).not.toContain('Where it was found');
      const leakedInUrl = `https://gist.github.com/x?t=lk_${'a'.repeat(49)}`;
      await processor.process({ data: job({ url: leakedInUrl }), id: 'mail.m' });
      expect(sent[1].text).not.toContain('lk_aaaa');
    });

    it('mails nobody without an address for the recipient', async () => {
      tokens.set(tokenId, { kind: 'ok', value: state({ createdByEmail: null, technicalOwner: null }) });
      await expect(processor.process({ data: job(), id: 'mail.a' })).resolves.toBe('skipped');
      await expect(
        processor.process({ data: job({ recipient: 'technical-owner' }), id: 'mail.b' }),
      ).resolves.toBe('skipped');
      expect(sent).toEqual([]);
    });
  });
});
