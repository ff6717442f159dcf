import { Logger } from '@nestjs/common';
import { AUTO_RENEWAL_ACTOR, type InternalTokenState } from '@latchkey/contracts';
import { IssuerClient, type IssuerResult } from '../issuer/issuer-client';
import type { JobQueues } from '../queues/job-queues';
import type { MailJob } from '../queues/worker-queues';
import { MailProcessor } from './mail.processor';
import type { MailTransport, OutgoingMail } from './mail-transport';

const oldTokenId = '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f';
const newTokenId = '5f4e3d2c-1b0a-4a9b-8c7d-6e5f4a3b2c1d';
const future = new Date(Date.now() + 10 * 86_400_000).toISOString();

const state = (id: string, overrides: Partial<InternalTokenState> = {}): InternalTokenState => ({
  id,
  tenantId: 'acme',
  name: 'CI deploys',
  status: 'active',
  expiresAt: future,
  createdBy: 'u1',
  createdByEmail: 'creator@example.com',
  autoRenewal: {
    everyDays: 30,
    callbackUrl: 'https://receiver.example.com/cb?auth=lksig_notreallyasecretbutshaped',
    mailRecipient: 'ops@example.com',
    nextRenewalAt: future,
  },
  replacedByTokenId: null,
  ...overrides,
});

describe('MailProcessor', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(new Logger());
  });

  let tokens: Map<string, IssuerResult<InternalTokenState>>;
  let sent: OutgoingMail[];
  let send: jest.Mock<Promise<void>, [OutgoingMail]>;
  let processor: MailProcessor;

  beforeEach(() => {
    tokens = new Map();
    sent = [];
    send = jest.fn((mail: OutgoingMail) => Promise.resolve(void sent.push(mail)));
    processor = new MailProcessor(
      // The real client's logic over a stubbed transport: only getToken is replaced.
      Object.assign(Object.create(IssuerClient.prototype) as IssuerClient, {
        getToken: (id: string) => Promise.resolve(tokens.get(id) ?? { kind: 'not-found' }),
      }),
      {} as JobQueues,
      { send } as unknown as MailTransport,
      { CONSOLE_PUBLIC_URL: 'https://latchkey.example.com/console/' },
    );
  });

  const run = (data: MailJob, id = 'mail.x') => processor.process({ data, id });

  it('sends the renewed mail to the renewal mail recipient', async () => {
    tokens.set(oldTokenId, { kind: 'ok', value: state(oldTokenId) });
    tokens.set(newTokenId, { kind: 'ok', value: state(newTokenId) });
    const data: MailJob = { kind: 'renewed', oldTokenId, newTokenId, oldTokenEndsAt: future };
    await expect(run(data, `mail.renewed.${oldTokenId}.${newTokenId}`)).resolves.toBe('sent');
    expect(sent).toEqual([
      {
        to: 'ops@example.com',
        subject: 'Your API token "CI deploys" was renewed',
        text: expect.stringContaining(newTokenId),
        messageId: `<mail.renewed.${oldTokenId}.${newTokenId}@latchkey.worker>`,
      },
    ]);
    expect(sent[0].text).not.toMatch(/lk_|lkr_|lksig_|receiver\.example\.com/);
    expect(sent[0].text).toContain(`https://latchkey.example.com/console/tokens/${newTokenId}`);
  });

  it('tells the recipient that the owner copies a renewal nobody redeemed in the console (seed 003)', async () => {
    const callbackLess = {
      autoRenewal: {
        everyDays: 30,
        callbackUrl: null,
        mailRecipient: 'ops@example.com',
        nextRenewalAt: future,
      },
    };
    tokens.set(oldTokenId, { kind: 'ok', value: state(oldTokenId, callbackLess) });
    tokens.set(newTokenId, { kind: 'ok', value: state(newTokenId, callbackLess) });
    const renewed = { kind: 'renewed', oldTokenId, newTokenId, oldTokenEndsAt: future } as const;
    await run({ ...renewed, renewedBy: AUTO_RENEWAL_ACTOR });
    expect(sent[0].text).toContain('Reveal and copy');
    expect(sent[0].text).toContain(`https://latchkey.example.com/console/tokens/${newTokenId}`);
    // Redeemed by the owner in the console: she has the token already.
    await run({ ...renewed, renewedBy: 'alice' });
    expect(sent[1].text).not.toContain('Reveal and copy');
    expect(sent[1].text).toContain('its renewal was redeemed');
  });

  it('skips a renewed mail when there is no recipient', async () => {
    const none = { autoRenewal: null };
    tokens.set(oldTokenId, { kind: 'ok', value: state(oldTokenId, none) });
    tokens.set(newTokenId, { kind: 'ok', value: state(newTokenId, none) });
    await expect(run({ kind: 'renewed', oldTokenId, newTokenId, oldTokenEndsAt: future })).resolves.toBe(
      'skipped',
    );
    expect(send).not.toHaveBeenCalled();
  });

  it('tells the recipient of a callback-less token that its renewal waits in the console (seed 003)', async () => {
    tokens.set(oldTokenId, {
      kind: 'ok',
      value: state(oldTokenId, {
        autoRenewal: {
          everyDays: 30,
          callbackUrl: null,
          mailRecipient: 'ops@example.com',
          nextRenewalAt: future,
        },
      }),
    });
    const windowEndsAt = new Date(Date.now() + 7_200_000).toISOString();
    const data: MailJob = {
      kind: 'renewal-ready',
      tokenId: oldTokenId,
      offerId: 'o1',
      windowEndsAt,
      nextRenewalAt: future,
    };
    await expect(run(data)).resolves.toBe('sent');
    expect(sent).toHaveLength(1);
    expect(sent[0].to).toBe('ops@example.com');
    expect(sent[0].subject).toBe('Renewal of "CI deploys" is ready to redeem');
    expect(sent[0].text).toContain(`https://latchkey.example.com/console/tokens/${oldTokenId}`);
    expect(sent[0].text).not.toMatch(/lkr?_/);
  });

  it('sends no renewal-ready mail once the window ended or the token was revoked', async () => {
    const past = new Date(Date.now() - 1_000).toISOString();
    tokens.set(oldTokenId, { kind: 'ok', value: state(oldTokenId) });
    const ready: MailJob = {
      kind: 'renewal-ready',
      tokenId: oldTokenId,
      offerId: 'o1',
      windowEndsAt: past,
      nextRenewalAt: null,
    };
    await expect(run(ready)).resolves.toBe('skipped');
    tokens.set(oldTokenId, { kind: 'ok', value: state(oldTokenId, { status: 'revoked' }) });
    await expect(run({ ...ready, windowEndsAt: future })).resolves.toBe('skipped');
    expect(sent).toEqual([]);
  });

  it('does not tell about a failing callback of a revoked token', async () => {
    tokens.set(oldTokenId, { kind: 'ok', value: state(oldTokenId, { status: 'revoked' }) });
    const data: MailJob = {
      kind: 'callback-failed',
      tokenId: oldTokenId,
      offerId: 'o1',
      windowEndsAt: future,
      nextRenewalAt: null,
      lastError: 'HTTP 503',
    };
    await expect(run(data)).resolves.toBe('skipped');
  });

  it('sends an expiry reminder to the creator only while it still applies', async () => {
    const data: MailJob = { kind: 'expiry-reminder', tokenId: oldTokenId, days: 7, expiresAt: future };
    tokens.set(oldTokenId, { kind: 'ok', value: state(oldTokenId, { autoRenewal: null }) });
    await expect(run(data)).resolves.toBe('sent');
    expect(sent[0]).toMatchObject({
      to: 'creator@example.com',
      subject: 'Your API token "CI deploys" expires in 7 days',
    });

    tokens.set(oldTokenId, { kind: 'ok', value: state(oldTokenId) });
    await expect(run(data)).resolves.toBe('skipped');
  });

  it("tells a token's owner that someone else revoked it", async () => {
    const data: MailJob = {
      kind: 'revoked-by-other',
      tokenId: oldTokenId,
      revokedBy: 'bob',
      revokedAt: '2025-05-01T12:00:00.000Z',
    };
    tokens.set(oldTokenId, { kind: 'ok', value: state(oldTokenId, { status: 'revoked' }) });
    await expect(run(data)).resolves.toBe('sent');
    expect(sent[0]).toMatchObject({
      to: 'creator@example.com',
      subject: 'Your API token "CI deploys" was revoked',
      text: expect.stringContaining('was revoked by bob'),
    });
  });

  it("tells a recoverable token's owner that it was revealed (seed 003), or skips without an address", async () => {
    const data: MailJob = {
      kind: 'token-revealed',
      tokenId: oldTokenId,
      revealedBy: 'u1',
      revealedAt: '2025-05-01T12:00:00.000Z',
    };
    tokens.set(oldTokenId, { kind: 'ok', value: state(oldTokenId) });
    await expect(run(data)).resolves.toBe('sent');
    expect(sent[0]).toMatchObject({
      to: 'creator@example.com',
      subject: 'Your API token "CI deploys" was revealed',
      text: expect.stringContaining(oldTokenId),
    });
    tokens.set(oldTokenId, { kind: 'ok', value: state(oldTokenId, { createdByEmail: null }) });
    await expect(run(data, 'mail.y')).resolves.toBe('skipped');
  });

  it('fails (to be retried) when the issuer or the SMTP server is away', async () => {
    const data: MailJob = { kind: 'expiry-reminder', tokenId: oldTokenId, days: 0, expiresAt: future };
    tokens.set(oldTokenId, { kind: 'transient', error: 'ECONNREFUSED' });
    await expect(run(data)).rejects.toThrow('ECONNREFUSED');

    tokens.set(oldTokenId, { kind: 'ok', value: state(oldTokenId, { autoRenewal: null }) });
    send.mockRejectedValueOnce(new Error('connect ECONNREFUSED 127.0.0.1:1025'));
    await expect(run(data)).rejects.toThrow('ECONNREFUSED');
  });
});
