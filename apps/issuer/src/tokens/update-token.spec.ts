import { EventType } from '@latchkey/contracts';
import {
  aToken,
  CALLBACK,
  alice,
  carla,
  eventsOf,
  RENEWAL_DAY_MS,
  renewing,
  tokenUseCases,
} from './testing/token-use-cases';
import { TokenErrorCode } from './tokens.errors';

const now = new Date('2026-11-23T12:00:00.000Z');

describe('UpdateToken', () => {
  beforeEach(() => jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('switches auto-renewal on and announces only what changed', async () => {
    const { db, tokens, update } = tokenUseCases();
    const token = tokens.add(aToken());
    const view = await update.execute(alice, token.id, {
      description: 'syncs contacts',
      autoRenewal: { everyDays: 30, callbackUrl: CALLBACK, mailRecipient: 'ops@acme.test' },
    });
    const schedule = {
      everyDays: 30,
      callbackUrl: CALLBACK,
      mailRecipient: 'ops@acme.test',
      nextRenewalAt: new Date(now.getTime() + 30 * RENEWAL_DAY_MS).toISOString(),
    };
    expect(view.autoRenewal).toEqual(schedule);
    expect(tokens.get(token.id)).toMatchObject({ renewalEveryDays: 30, renewalCallbackUrl: CALLBACK });
    // The description did not change, so it is not announced.
    expect(eventsOf(db, EventType.TokenUpdated).map((e) => e.data)).toEqual([
      { tokenId: token.id, updatedBy: 'alice', ownerId: 'alice', changes: { autoRenewal: schedule } },
    ]);
  });

  it('keeps the due renewal when only the recipient changes', async () => {
    const { tokens, update } = tokenUseCases();
    const token = tokens.add(aToken(renewing));
    const view = await update.execute(alice, token.id, {
      autoRenewal: { everyDays: 30, callbackUrl: CALLBACK, mailRecipient: 'team@acme.test' },
    });
    expect(view.autoRenewal).toMatchObject({
      mailRecipient: 'team@acme.test',
      nextRenewalAt: renewing.renewalNextAt.toISOString(),
    });
  });

  it('changes the mail recipient alone, keeping the callback URL, the period and the due renewal (seed 003)', async () => {
    const { db, tokens, update } = tokenUseCases();
    const token = tokens.add(aToken(renewing));
    const view = await update.execute(alice, token.id, { autoRenewal: { mailRecipient: 'team@acme.test' } });
    expect(view.autoRenewal).toEqual({
      everyDays: 30,
      callbackUrl: CALLBACK,
      mailRecipient: 'team@acme.test',
      nextRenewalAt: renewing.renewalNextAt.toISOString(),
    });
    expect(eventsOf(db, EventType.TokenUpdated)[0].data.changes.autoRenewal).toMatchObject({
      callbackUrl: CALLBACK,
      mailRecipient: 'team@acme.test',
    });
  });

  it('drops the callback URL with null, keeping the recipient: renewals are then redeemed in the console', async () => {
    const { tokens, update } = tokenUseCases();
    const token = tokens.add(aToken(renewing));
    const view = await update.execute(alice, token.id, { autoRenewal: { callbackUrl: null } });
    expect(view.autoRenewal).toMatchObject({ callbackUrl: null, mailRecipient: 'ops@acme.test' });
    expect(tokens.get(token.id)).toMatchObject({ renewalEveryDays: 30, renewalCallbackUrl: null });
  });

  it('switches auto-renewal on with a mail recipient alone, without a signing secret', async () => {
    const { tokens, update } = tokenUseCases({ hasSigningSecret: false });
    const token = tokens.add(aToken());
    const view = await update.execute(alice, token.id, {
      autoRenewal: { everyDays: 7, mailRecipient: 'ops@acme.test' },
    });
    expect(view.autoRenewal).toMatchObject({
      everyDays: 7,
      callbackUrl: null,
      mailRecipient: 'ops@acme.test',
    });
  });

  it.each([
    ['switching on without a period', {}, { mailRecipient: 'ops@acme.test' }, 'AUTO_RENEWAL_INCOMPLETE'],
    [
      'clearing the recipient of a callback-less renewal',
      { ...renewing, renewalCallbackUrl: null },
      { mailRecipient: null },
      'AUTO_RENEWAL_UNREACHABLE',
    ],
    ['neither a callback nor a recipient', {}, { everyDays: 7 }, 'AUTO_RENEWAL_UNREACHABLE'],
  ])('refuses %s (422)', async (_label, columns, autoRenewal, code) => {
    const { tokens, update } = tokenUseCases();
    const token = tokens.add(aToken(columns));
    await expect(update.execute(alice, token.id, { autoRenewal })).rejects.toMatchObject({
      code,
      status: 422,
    });
  });

  it('switches auto-renewal off and stops the renewals in the same transaction', async () => {
    const { db, tokens, renewalStops, update } = tokenUseCases();
    const token = tokens.add(aToken(renewing));
    const view = await update.execute(alice, token.id, { autoRenewal: null });
    expect(view.autoRenewal).toBeNull();
    expect(eventsOf(db, EventType.TokenUpdated)[0].data.changes).toEqual({ autoRenewal: null });
    expect(renewalStops).toEqual([{ tokenId: token.id, tx: db.handedOut[0] }]);
  });

  it('writes and announces nothing when nothing changes', async () => {
    const { db, tokens, update } = tokenUseCases();
    const token = tokens.add(aToken(renewing));
    await update.execute(alice, token.id, {
      description: 'syncs contacts',
      autoRenewal: { everyDays: 30, callbackUrl: CALLBACK, mailRecipient: 'ops@acme.test' },
    });
    expect(tokens.rows).toEqual([token]);
    expect(db.emitted).toEqual([]);
    expect(db.nudges).toBe(0);
  });

  it.each([
    ['a revoked', { status: 'revoked' as const, revokedAt: now }, TokenErrorCode.Revoked],
    ['an expired', { expiresAt: new Date('2026-11-20T00:00:00.000Z') }, TokenErrorCode.Expired],
    ['a replaced', { replacedByTokenId: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a' }, TokenErrorCode.Replaced],
  ])('refuses auto-renewal on %s token (409) before resolving its callback', async (_label, state, code) => {
    const { db, tokens, signingSecretChecks, update } = tokenUseCases();
    const token = tokens.add(aToken(state));
    await expect(
      update.execute(alice, token.id, { autoRenewal: { everyDays: 30, callbackUrl: CALLBACK } }),
    ).rejects.toMatchObject({ code, status: 409 });
    expect(signingSecretChecks).toEqual([]);
    expect(db.emitted).toEqual([]);
  });

  it('needs at least one editable field', async () => {
    const { tokens, update } = tokenUseCases();
    const token = tokens.add(aToken());
    await expect(update.execute(alice, token.id, {})).rejects.toMatchObject({
      code: TokenErrorCode.NothingToUpdate,
    });
  });

  it('refuses to change a fixed field, naming it (seed 000: revoke and create a new token)', async () => {
    const { tokens, update } = tokenUseCases();
    const token = tokens.add(aToken());
    await expect(update.execute(alice, token.id, { name: 'renamed' })).rejects.toMatchObject({
      code: TokenErrorCode.FieldImmutable,
      extensions: { fields: ['name'] },
    });
    expect(tokens.get(token.id)?.name).toBe('crm');
  });

  it("refuses to set another person's auto-renewal (403 NOT_TOKEN_OWNER): its callback decides who gets its successors", async () => {
    const { db, tokens, update } = tokenUseCases();
    const token = tokens.add(aToken(renewing));
    await expect(
      update.execute(carla, token.id, {
        autoRenewal: {
          everyDays: 30,
          callbackUrl: 'https://8.8.4.4/carla',
          mailRecipient: 'carla@acme.test',
        },
      }),
    ).rejects.toMatchObject({ code: 'NOT_TOKEN_OWNER', status: 403 });
    expect(tokens.get(token.id)?.renewalCallbackUrl).toBe(CALLBACK);
    expect(db.emitted).toEqual([]);
  });

  it("lets an admin switch another person's auto-renewal off and edit its description, naming both", async () => {
    const { db, tokens, update } = tokenUseCases();
    const token = tokens.add(aToken(renewing));
    await update.execute(carla, token.id, { autoRenewal: null, description: 'paused by carla' });
    expect(tokens.get(token.id)).toMatchObject({ renewalCallbackUrl: null, description: 'paused by carla' });
    expect(eventsOf(db, EventType.TokenUpdated)[0].data).toMatchObject({
      updatedBy: 'carla',
      ownerId: 'alice',
    });
  });
});
