import { EventType } from '@latchkey/contracts';
import { CALLBACK, carla, eventsOf, RENEWAL_DAY_MS, tokenUseCases } from './testing/token-use-cases';
import { TokenErrorCode } from './tokens.errors';

const now = new Date('2026-11-23T12:00:00.000Z');

describe('CreateToken', () => {
  beforeEach(() => jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('announces the creator’s email and the auto-renewal schedule, never the plaintext', async () => {
    const { db, tokens, create } = tokenUseCases();
    const created = await create.execute(carla, {
      name: 'crm',
      autoRenewal: { everyDays: 7, callbackUrl: CALLBACK },
    });
    expect(created.autoRenewal).toEqual({
      everyDays: 7,
      callbackUrl: CALLBACK,
      mailRecipient: null,
      nextRenewalAt: new Date(now.getTime() + 7 * RENEWAL_DAY_MS).toISOString(),
    });
    expect(eventsOf(db, EventType.TokenCreated).map((e) => e.data)).toEqual([
      expect.objectContaining({
        tokenId: created.id,
        createdByEmail: 'carla@acme.test',
        autoRenewal: expect.objectContaining({ everyDays: 7, mailRecipient: null }),
      }),
    ]);
    expect(JSON.stringify(db.emitted)).not.toContain(created.token);
    // Only the hash is kept.
    expect(JSON.stringify(tokens.rows)).not.toContain(created.token);
  });

  it('checks the plan before any transaction, then issues in one', async () => {
    const { db, policyChecks, create } = tokenUseCases();
    await create.execute(carla, { name: 'crm', expiresIn: '30d' });
    expect(policyChecks).toEqual([
      { tenantId: 'acme', expiresAt: new Date(now.getTime() + 30 * 86_400_000), now, tx: undefined },
    ]);
    expect(db.handedOut).toHaveLength(1);
  });

  it('needs a signing secret for auto-renewal (409 SIGNING_SECRET_REQUIRED)', async () => {
    const { tokens, create } = tokenUseCases({ hasSigningSecret: false });
    await expect(
      create.execute(carla, { name: 'crm', autoRenewal: { everyDays: 7, callbackUrl: CALLBACK } }),
    ).rejects.toMatchObject({ code: TokenErrorCode.SigningSecretRequired, status: 409 });
    expect(tokens.rows).toHaveLength(0);
  });

  it('auto-renews without a callback: a mail recipient alone, no signing secret asked for (seed 003)', async () => {
    const { tokens, signingSecretChecks, create } = tokenUseCases({ hasSigningSecret: false });
    const view = await create.execute(carla, {
      name: 'crm',
      autoRenewal: { everyDays: 7, mailRecipient: 'ops@acme.test' },
    });
    expect(view.autoRenewal).toMatchObject({
      everyDays: 7,
      callbackUrl: null,
      mailRecipient: 'ops@acme.test',
    });
    expect(tokens.rows[0]).toMatchObject({ renewalEveryDays: 7, renewalCallbackUrl: null });
    expect(signingSecretChecks).toEqual([]);
  });

  it('refuses auto-renewal with neither a callback URL nor a mail recipient (422 AUTO_RENEWAL_UNREACHABLE)', async () => {
    const { tokens, create } = tokenUseCases();
    await expect(
      create.execute(carla, { name: 'crm', autoRenewal: { everyDays: 7, callbackUrl: null } }),
    ).rejects.toMatchObject({ code: TokenErrorCode.AutoRenewalUnreachable, status: 422 });
    expect(tokens.rows).toHaveLength(0);
  });

  it('refuses a callback URL on a private address (400 CALLBACK_URL_REFUSED)', async () => {
    const { tokens, signingSecretChecks, create } = tokenUseCases();
    await expect(
      create.execute(carla, {
        name: 'crm',
        autoRenewal: { everyDays: 7, callbackUrl: 'https://10.0.0.5/x' },
      }),
    ).rejects.toMatchObject({
      code: TokenErrorCode.CallbackUrlRefused,
      extensions: { reason: 'FORBIDDEN_ADDRESS' },
    });
    expect(signingSecretChecks).toEqual([]);
    expect(tokens.rows).toHaveLength(0);
  });

  it('stops at the tenant’s limit of live tokens (422 TOKEN_LIMIT_REACHED), announcing nothing', async () => {
    const { db, tokens, create } = tokenUseCases({ maxTokensPerTenant: 1 });
    await create.execute(carla, { name: 'first' });
    await expect(create.execute(carla, { name: 'second' })).rejects.toMatchObject({
      code: TokenErrorCode.LimitReached,
      status: 422,
    });
    expect(tokens.rows.map((t) => t.name)).toEqual(['first']);
    expect(eventsOf(db, EventType.TokenCreated)).toHaveLength(1);
  });

  it('gives an agent token the default expiry when none is asked', async () => {
    const { create } = tokenUseCases();
    const created = await create.execute(carla, { name: 'assistant', purpose: 'agent' });
    expect(created.expiresAt).toBe(new Date(now.getTime() + 90 * 86_400_000).toISOString());
  });

  it('records the creator as who issued the token, beside its owner', async () => {
    const { tokens, create } = tokenUseCases();
    const created = await create.execute(carla, { name: 'crm' });
    expect(created.issuedBy).toEqual({ id: 'carla', email: 'carla@acme.test' });
    expect(created.createdBy).toEqual({ id: 'carla', email: 'carla@acme.test' });
    expect(created).toMatchObject({ ageDays: 0, status: 'active', warnings: [] });
    expect(tokens.get(created.id)).toMatchObject({ issuedBy: 'carla', issuedByEmail: 'carla@acme.test' });
  });

  it('warns about an e-mail address in the name (seed 004) and still creates the token', async () => {
    const { tokens, create } = tokenUseCases();
    const created = await create.execute(carla, { name: 'crm for carla@acme.test' });
    expect(created.warnings).toEqual([
      { code: 'NAME_CONTAINS_EMAIL', field: 'name', message: expect.stringContaining('e-mail address') },
    ]);
    expect(tokens.get(created.id)?.name).toBe('crm for carla@acme.test');
  });
});
