import { type MailFacts, type RenderedMail, renderMail as render } from './mail-templates';

const links = { consoleUrl: 'https://latchkey.example.com/console' };
const renderMail = (facts: MailFacts): RenderedMail => render(facts, links);

const SECRET_SHAPED = /lk_|lkr_|lksig_/;
const token = 'lk_' + 'A'.repeat(43) + 'B'.repeat(6);
const redeemKey = 'lkr_' + 'c'.repeat(43);
const signingSecret = 'lksig_' + 'd'.repeat(43);
const callbackBody = JSON.stringify({ type: 'token.renewal_available', key: redeemKey });

const renewed: MailFacts = {
  kind: 'renewed',
  tokenName: 'CI deploys',
  oldTokenId: '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f',
  oldTokenEndsAt: '2025-03-02T10:00:00.000Z',
  newTokenId: '5f4e3d2c-1b0a-4a9b-8c7d-6e5f4a3b2c1d',
  newTokenExpiresAt: '2025-06-01T10:00:00.000Z',
};
const callbackFailed: MailFacts = {
  kind: 'callback-failed',
  tokenName: 'CI deploys',
  tokenId: '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f',
  windowEndsAt: '2025-03-01T12:00:00.000Z',
  nextRenewalAt: '2025-03-02T10:00:00.000Z',
  lastError: 'HTTP 503',
};
const reminder = (days: number): MailFacts => ({
  kind: 'expiry-reminder',
  tokenName: 'CI deploys',
  tokenId: '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f',
  days,
  expiresAt: '2025-03-08T10:00:00.000Z',
});

describe('renderMail', () => {
  it('links every mail to the console page of its token, never to an "admin console"', () => {
    const page = (id: string) => `https://latchkey.example.com/console/tokens/${id}`;
    const revoked: MailFacts = {
      kind: 'revoked-by-other',
      tokenName: 'CI deploys',
      tokenId: '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f',
      revokedBy: 'olivia',
      revokedAt: '2025-03-01T10:00:00.000Z',
    };
    expect(renderMail(renewed).text).toContain(page('5f4e3d2c-1b0a-4a9b-8c7d-6e5f4a3b2c1d'));
    for (const facts of [callbackFailed, reminder(7), revoked]) {
      expect(renderMail(facts).text).toContain(page('0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f'));
    }
    for (const facts of [renewed, callbackFailed, reminder(7), revoked]) {
      expect(renderMail(facts).text).not.toContain('admin console');
    }
    // A trailing slash in the setting makes no double slash.
    expect(render(reminder(7), { consoleUrl: 'https://x.example/console/' }).text).toContain(
      'https://x.example/console/tokens/0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f',
    );
  });

  it('tells the owner their recoverable token was revealed, by whom and when, without the token', () => {
    const mail = renderMail({
      kind: 'token-revealed',
      tokenName: 'CI deploys',
      tokenId: '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f',
      revealedBy: 'olga',
      revealedAt: '2025-03-01T10:00:00.000Z',
    });
    expect(mail.subject).toBe('Your API token "CI deploys" was revealed');
    expect(mail.text).toContain('olga');
    expect(mail.text).toContain(
      'https://latchkey.example.com/console/tokens/0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f',
    );
    expect(mail.text).toMatch(/revoke the\s+token/);
    expect(mail.text).not.toMatch(SECRET_SHAPED);
  });

  it('tells the recipient a token was renewed, with both ids and both ends', () => {
    const mail = renderMail(renewed);
    expect(mail.subject).toBe('Your API token "CI deploys" was renewed');
    expect(mail.text).toContain('0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f');
    expect(mail.text).toContain('5f4e3d2c-1b0a-4a9b-8c7d-6e5f4a3b2c1d');
    expect(mail.text).toContain('stays valid until 2025-03-02 10:00:00 UTC');
    expect(mail.text).toContain('expires 2025-06-01 10:00:00 UTC');
  });

  it('tells the recipient a callback is failing, when the next one comes and what to check', () => {
    const mail = renderMail(callbackFailed);
    expect(mail.subject).toBe('Renewal callback for "CI deploys" is failing');
    expect(mail.text).toContain('Last error: HTTP 503');
    expect(mail.text).toContain('at 2025-03-02 10:00:00 UTC');
    expect(mail.text).toContain('/apiAccessTokens/requestRenewedToken');
  });

  it('says how many days are left, or that the token expires today', () => {
    expect(renderMail(reminder(7)).subject).toBe('Your API token "CI deploys" expires in 7 days');
    expect(renderMail(reminder(1)).subject).toBe('Your API token "CI deploys" expires in 1 day');
    expect(renderMail(reminder(0)).subject).toBe('Your API token "CI deploys" expires today');
    expect(renderMail(reminder(0)).text).toContain('expires today, at 2025-03-08 10:00:00 UTC');
  });

  it('interpolates only the allowed fields: secrets in other fields never reach the mail', () => {
    const smuggled = {
      token,
      key: redeemKey,
      redeemKey,
      signingSecret,
      secret: signingSecret,
      body: callbackBody,
    };
    for (const facts of [renewed, callbackFailed, reminder(7), reminder(0)]) {
      const mail = renderMail({ ...facts, ...smuggled });
      expect(mail).toEqual(renderMail(facts));
      expect(`${mail.subject}\n${mail.text}`).not.toMatch(SECRET_SHAPED);
    }
  });

  it('masks anything shaped like a secret even in a field it shows', () => {
    const facts = {
      ...callbackFailed,
      tokenName: `leaked ${token}`,
      lastError: `got ${redeemKey} ${signingSecret}`,
    };
    const mail = renderMail(facts);
    expect(`${mail.subject}\n${mail.text}`).not.toMatch(SECRET_SHAPED);
    expect(mail.subject).toBe('Renewal callback for "leaked [redacted]" is failing');
  });

  it('keeps the subject on one line whatever the token name holds', () => {
    const mail = renderMail({ ...renewed, tokenName: 'evil\r\nBcc: someone@example.com' });
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });
});

describe('idle policy mail (issue 14)', () => {
  const tokenId = '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f';
  const idleWarning = (recipient: 'owner' | 'technical-owner'): MailFacts => ({
    kind: 'idle-warning',
    tokenName: 'nightly export',
    tokenId,
    technicalOwnerName: recipient === 'owner' ? null : 'Platform team',
    recipient,
    idleSince: '2025-01-01T08:00:00.000Z',
    revokeAt: '2025-04-01T08:00:00.000Z',
  });

  it('warns the owner when the unused token will be revoked, and how to keep it', () => {
    const mail = renderMail(idleWarning('owner'));
    expect(mail.subject).toBe('API token "nightly export" will be revoked on 2025-04-01: unused');
    expect(mail.text).toContain(`Your API token "nightly export" (${tokenId}) has not been used since`);
    expect(mail.text).toContain('2025-01-01 08:00:00 UTC');
    expect(mail.text).toContain('automatically at 2025-04-01 08:00:00 UTC');
    expect(mail.text).toContain('use it before then');
    expect(mail.text).toContain(`https://latchkey.example.com/console/tokens/${tokenId}`);
    expect(mail.text).not.toMatch(/^Hello/);
  });

  it('greets the technical owner by name', () => {
    const mail = renderMail(idleWarning('technical-owner'));
    expect(mail.text.startsWith('Hello Platform team,')).toBe(true);
    expect(mail.text).toContain('of which you are named the technical owner');
  });

  it('says a revocation by the idle policy was automatic, not by a person', () => {
    const facts = {
      tokenName: 'nightly export',
      tokenId,
      revokedBy: 'system:idle-policy',
      revokedAt: '2025-04-01T08:00:00.000Z',
      reason: 'idle' as const,
    };
    for (const mail of [
      renderMail({ kind: 'revoked-by-other', ...facts }),
      renderMail({ kind: 'technical-owner-revoked', technicalOwnerName: null, ...facts }),
    ]) {
      expect(mail.text).toContain('was revoked automatically at 2025-04-01 08:00:00 UTC');
      expect(mail.text).toContain('idle policy');
      expect(mail.text).not.toContain('system:idle-policy');
    }
    expect(
      renderMail({ kind: 'revoked-by-other', ...facts, reason: 'manual', revokedBy: 'bob' }).text,
    ).toContain('was revoked by bob at');
  });
});
