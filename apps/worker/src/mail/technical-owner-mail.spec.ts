import { Logger } from '@nestjs/common';
import { createEvent, EventType, type InternalTokenState, type LatchkeyEvent } from '@latchkey/contracts';
import { IssuerClient, type IssuerResult } from '../issuer/issuer-client';
import { planLifecycleJobs } from '../lifecycle/lifecycle-jobs';
import type { JobQueues } from '../queues/job-queues';
import { type MailJob, WorkerQueue } from '../queues/worker-queues';
import { MailProcessor } from './mail.processor';
import type { MailTransport, OutgoingMail } from './mail-transport';

const tokenId = '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f';
const newTokenId = '5f4e3d2c-1b0a-4a9b-8c7d-6e5f4a3b2c1d';
const endsAt = '2026-11-24T12:00:00.000Z';
const now = Date.parse('2026-11-23T12:00:00Z');
const platform = { email: 'platform@acme.test', name: 'Platform team' };

function event<T extends EventType>(type: T, data: Parameters<typeof createEvent<T>>[1]['data']) {
  return createEvent(type, {
    source: 'latchkey/issuer',
    subject: tokenId,
    tenantId: 'acme',
    data,
  }) as LatchkeyEvent;
}

const rotated = (technicalOwner?: typeof platform | null, reason: 'rotation' | 'manual' = 'rotation') =>
  event(EventType.TokenRenewed, {
    oldTokenId: tokenId,
    newTokenId,
    oldTokenEndsAt: endsAt,
    renewedBy: 'alice',
    reason,
    ...(technicalOwner === undefined ? {} : { technicalOwner }),
  });

const revoked = (technicalOwner?: typeof platform | null, revokedBy = 'alice') =>
  event(EventType.TokenRevoked, {
    tokenId,
    revokedBy,
    revokedAt: endsAt,
    ownerId: 'alice',
    ...(technicalOwner === undefined ? {} : { technicalOwner }),
  });

const mails = (e: LatchkeyEvent) =>
  planLifecycleJobs(e, now)
    .enqueue.filter((job) => job.queue === WorkerQueue.Mail)
    .map((job) => job.data);

describe('technical owner mail (seed 004)', () => {
  describe('planning', () => {
    it('mails the technical owner of a rotated token', () => {
      expect(mails(rotated(platform))).toEqual([
        {
          kind: 'technical-owner-rotated',
          oldTokenId: tokenId,
          newTokenId,
          oldTokenEndsAt: endsAt,
          rotatedBy: 'alice',
        },
      ]);
    });

    it('mails nobody for a rotation without technical owner, an older event, or a manual renewal', () => {
      expect(mails(rotated(null))).toEqual([]);
      expect(mails(rotated())).toEqual([]);
      expect(mails(rotated(platform, 'manual'))).toEqual([]);
    });

    it('mails the technical owner of a revoked token, beside the owner when someone else revoked it', () => {
      expect(mails(revoked(platform))).toEqual([
        { kind: 'technical-owner-revoked', tokenId, revokedBy: 'alice', revokedAt: endsAt },
      ]);
      expect(mails(revoked(platform, 'carla')).map((m) => m.kind)).toEqual([
        'revoked-by-other',
        'technical-owner-revoked',
      ]);
      expect(mails(revoked(null))).toEqual([]);
      expect(mails(revoked())).toEqual([]);
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
      status: 'active',
      expiresAt: null,
      createdBy: 'alice',
      createdByEmail: 'alice@acme.test',
      autoRenewal: null,
      replacedByTokenId: newTokenId,
      technicalOwner: platform,
      ...overrides,
    });

    beforeEach(() => {
      tokens = new Map();
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

    const rotation: MailJob = {
      kind: 'technical-owner-rotated',
      oldTokenId: tokenId,
      newTokenId,
      oldTokenEndsAt: endsAt,
      rotatedBy: 'alice',
    };

    it('tells them of the rotation, when the old key stops, and to confirm the update', async () => {
      tokens.set(tokenId, { kind: 'ok', value: state() });
      await expect(processor.process({ data: rotation, id: 'mail.r' })).resolves.toBe('sent');
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({
        to: 'platform@acme.test',
        subject: 'API key "prod-main-app" was rotated: update your systems',
      });
      expect(sent[0].text).toContain('Hello Platform team,');
      expect(sent[0].text).toContain('keeps working until 2026-11-24 12:00:00 UTC');
      expect(sent[0].text).toContain('Tell alice that the update is complete.');
      expect(sent[0].text).toContain(`https://latchkey.example.com/console/tokens/${newTokenId}`);
      expect(sent[0].text).not.toMatch(/lk_|lkr_/);
    });

    it('tells them of the revocation', async () => {
      tokens.set(tokenId, {
        kind: 'ok',
        value: state({ status: 'revoked', technicalOwner: { ...platform, name: null } }),
      });
      const job: MailJob = {
        kind: 'technical-owner-revoked',
        tokenId,
        revokedBy: 'carla',
        revokedAt: endsAt,
      };
      await expect(processor.process({ data: job, id: 'mail.v' })).resolves.toBe('sent');
      expect(sent[0]).toMatchObject({
        to: 'platform@acme.test',
        subject: 'API key "prod-main-app" was revoked',
      });
      expect(sent[0].text).toMatch(/^Hello,/);
      expect(sent[0].text).toContain('It was revoked by carla at 2026-11-24 12:00:00 UTC.');
    });

    it('mails nobody when the technical owner was removed before sending, or the issuer predates them', async () => {
      tokens.set(tokenId, { kind: 'ok', value: state({ technicalOwner: null }) });
      await expect(processor.process({ data: rotation, id: 'mail.a' })).resolves.toBe('skipped');
      const { technicalOwner: _gone, ...older } = state();
      tokens.set(tokenId, { kind: 'ok', value: older });
      await expect(processor.process({ data: rotation, id: 'mail.b' })).resolves.toBe('skipped');
      expect(sent).toEqual([]);
    });
  });
});
