import { EventType } from '@latchkey/contracts';
import { FORBIDDEN_ROLE } from '../auth/roles';
import type { AdminPrincipal, Role } from '../auth/admin-principal';
import type { IssuerConfig } from '../config';
import type { Tx } from '../database/transaction';
import { FakeTransactions } from '../outbox/testing/fake-transactions';
import type { UnitOfWork } from '../outbox/unit-of-work';
import type { TokenRecoveryStore } from '../token-recovery/token-recovery.store';
import { DEFAULT_GOVERNANCE } from './governance-policy';
import type { Tenant } from './tenant.entity';
import type { TenantPlan } from './tenant-plan';
import {
  evaluateIssuancePolicy,
  governanceOf,
  idlePolicyViolation,
  type IssuancePolicy,
  policyChanges,
  TenantPolicyService,
  toTenantPolicyView,
} from './tenant-policy.service';
import { TenantErrorCode } from './tenants.errors';
import type { TenantPolicyChanges, TenantsRepository } from './tenants.repository';

const now = new Date('2026-03-10T12:00:00.000Z');
const days = (n: number) => new Date(now.getTime() + n * 86_400_000);
const apiAccessPlans: TenantPlan[] = ['team', 'enterprise'];

const policy = (overrides: Partial<IssuancePolicy> = {}): IssuancePolicy => ({
  plan: 'team',
  requireExpiry: false,
  maxLifetimeDays: null,
  ...overrides,
});

const CAP_DAYS = 3650;
const evaluate = (tenant: IssuancePolicy, expiresAt: Date | null) =>
  evaluateIssuancePolicy(tenant, expiresAt, now, apiAccessPlans, CAP_DAYS);

describe('evaluateIssuancePolicy', () => {
  it('allows any expiry up to the cap, never included, under the default policy of a paid plan', () => {
    for (const expiresAt of [null, days(1), days(CAP_DAYS)]) {
      expect(evaluate(policy(), expiresAt)).toBeNull();
      expect(evaluate(policy({ plan: 'enterprise' }), expiresAt)).toBeNull();
    }
  });

  it('refuses an expiry date beyond the cap (MAX_TOKEN_LIFETIME_DAYS) for every tenant (422)', () => {
    for (const expiresAt of [days(CAP_DAYS + 1), new Date(Date.UTC(10_000, 0, 1)), new Date(8.64e15)]) {
      expect(evaluate(policy(), expiresAt)).toMatchObject({
        code: TenantErrorCode.MaxLifetimeExceeded,
        status: 422,
        extensions: { maxLifetimeDays: CAP_DAYS },
      });
    }
    // A stricter tenant policy speaks first; a looser one does not lift the cap.
    expect(evaluate(policy({ maxLifetimeDays: 30 }), days(CAP_DAYS + 1))?.code).toBe(
      TenantErrorCode.PolicyMaxLifetimeExceeded,
    );
    expect(evaluate(policy({ maxLifetimeDays: 100_000 }), days(CAP_DAYS + 1))?.code).toBe(
      TenantErrorCode.MaxLifetimeExceeded,
    );
  });

  it('asks a plan without API access to upgrade (402)', () => {
    expect(evaluate(policy({ plan: 'free' }), days(30))).toMatchObject({
      code: TenantErrorCode.UpgradeRequired,
      status: 402,
      detail: 'API access is not included in the free plan. Upgrade required.',
    });
  });

  it('decides API access from the configured plans', () => {
    expect(evaluateIssuancePolicy(policy({ plan: 'free' }), null, now, ['free'], CAP_DAYS)).toBeNull();
    expect(
      evaluateIssuancePolicy(policy({ plan: 'team' }), null, now, ['enterprise'], CAP_DAYS),
    ).toMatchObject({
      code: TenantErrorCode.UpgradeRequired,
      detail: 'API access is not included in the team plan. Upgrade required.',
    });
  });

  it('reports the missing upgrade before any policy violation', () => {
    const strict = policy({ plan: 'free', requireExpiry: true, maxLifetimeDays: 1 });
    expect(evaluate(strict, null)?.code).toBe(TenantErrorCode.UpgradeRequired);
  });

  it('refuses a token that never expires when the policy requires an expiry (422)', () => {
    expect(evaluate(policy({ requireExpiry: true }), null)).toMatchObject({
      code: TenantErrorCode.PolicyExpiryRequired,
      status: 422,
    });
  });

  it('accepts any expiry when the policy only requires one', () => {
    expect(evaluate(policy({ requireExpiry: true }), days(3650))).toBeNull();
  });

  it('allows a lifetime of exactly maxLifetimeDays', () => {
    expect(evaluate(policy({ maxLifetimeDays: 60 }), days(60))).toBeNull();
    expect(evaluate(policy({ maxLifetimeDays: 1 }), days(1))).toBeNull();
  });

  it('refuses one second more than maxLifetimeDays, naming the maximum (422)', () => {
    const error = evaluate(policy({ maxLifetimeDays: 60 }), new Date(days(60).getTime() + 1000));
    expect(error).toMatchObject({
      code: TenantErrorCode.PolicyMaxLifetimeExceeded,
      status: 422,
      extensions: { maxLifetimeDays: 60 },
    });
    expect(error?.detail).toContain('60 days');
  });

  it('refuses a token that never expires when a maximum lifetime is set', () => {
    expect(evaluate(policy({ maxLifetimeDays: 3650 }), null)?.code).toBe(
      TenantErrorCode.PolicyMaxLifetimeExceeded,
    );
  });

  it('names the missing expiry first when both rules apply to "never"', () => {
    expect(evaluate(policy({ requireExpiry: true, maxLifetimeDays: 30 }), null)?.code).toBe(
      TenantErrorCode.PolicyExpiryRequired,
    );
  });
});

describe('toTenantPolicyView', () => {
  it('shows the plan, whether it includes API access, and the policy', () => {
    const tenant = {
      id: 'acme',
      plan: 'free',
      requireExpiry: true,
      maxLifetimeDays: 90,
      tokenIssuance: 'admins_only',
      tokenVisibility: 'own_tokens_only',
      adminRevocation: 'agent_tokens_only',
    } as Tenant;
    expect(toTenantPolicyView(tenant, apiAccessPlans)).toEqual({
      plan: 'free',
      apiAccess: false,
      requireExpiry: true,
      maxLifetimeDays: 90,
      tokenIssuance: 'admins_only',
      tokenVisibility: 'own_tokens_only',
      adminRevocation: 'agent_tokens_only',
    });
  });
});

describe('TenantPolicyService roles', () => {
  // The role is checked before any database access: no data source is needed to refuse.
  const service = new TenantPolicyService(
    undefined as never,
    { API_ACCESS_PLANS: apiAccessPlans, DEFAULT_TENANT_PLAN: 'team' } as IssuerConfig,
    undefined as never,
    { available: true } as never,
  );
  const as = (role: Role): AdminPrincipal => ({
    userId: 'u',
    tenantId: 'acme',
    role,
    email: null,
    emailVerified: true,
  });

  it('lets members read the plan and policy (seed 004) but not change them', async () => {
    const tenant = { ...DEFAULT_GOVERNANCE, id: 'acme', plan: 'free', requireExpiry: false } as Tenant;
    const reading = new TenantPolicyService(
      { findOrCreate: () => Promise.resolve(tenant) } as never,
      { API_ACCESS_PLANS: apiAccessPlans, DEFAULT_TENANT_PLAN: 'team' } as IssuerConfig,
      undefined as never,
      { available: true } as never,
    );
    await expect(reading.view(as('member'))).resolves.toMatchObject({ plan: 'free', apiAccess: false });
    await expect(service.update(as('member'), { requireExpiry: true })).rejects.toMatchObject({
      code: FORBIDDEN_ROLE,
    });
  });

  it('lets admins read but not change the policy', async () => {
    await expect(service.update(as('admin'), { maxLifetimeDays: 30 })).rejects.toMatchObject({
      code: FORBIDDEN_ROLE,
      status: 403,
    });
  });
});

describe('governanceOf', () => {
  it("keeps today's behaviour for a tenant never seen", () => {
    expect(governanceOf(null)).toEqual({
      tokenIssuance: 'all_members',
      tokenVisibility: 'admins_see_all',
      adminRevocation: 'any_token',
    });
  });

  it("reads a stored tenant's choices", () => {
    const tenant = { ...DEFAULT_GOVERNANCE, tokenVisibility: 'own_tokens_only' } as Tenant;
    expect(governanceOf(tenant)).toEqual({ ...DEFAULT_GOVERNANCE, tokenVisibility: 'own_tokens_only' });
  });
});

describe('policyChanges', () => {
  const current = {
    requireExpiry: false,
    maxLifetimeDays: 90,
    ...DEFAULT_GOVERNANCE,
    defaultRights: 'read' as const,
    recoverableTokens: false,
    idleRevokeAfterDays: null,
    idleWarningDays: 7,
    expiryReminderDays: null,
  };

  it('keeps reminder days latest first, and the same days in another order change nothing', () => {
    const stored = { ...current, expiryReminderDays: [30, 7, 0] };
    expect(policyChanges(current, { expiryReminderDays: [7, 60, 30] })).toEqual({
      changes: { expiryReminderDays: [60, 30, 7] },
      previous: { expiryReminderDays: null },
    });
    expect(policyChanges(stored, { expiryReminderDays: [0, 30, 7] })).toEqual({ changes: {}, previous: {} });
    expect(policyChanges(stored, { expiryReminderDays: null })).toEqual({
      changes: { expiryReminderDays: null },
      previous: { expiryReminderDays: [30, 7, 0] },
    });
  });

  it('reports the idle policy switched on with its warning', () => {
    expect(policyChanges(current, { idleRevokeAfterDays: 90, idleWarningDays: 7 })).toEqual({
      changes: { idleRevokeAfterDays: 90 },
      previous: { idleRevokeAfterDays: null },
    });
  });

  it('keeps only the fields given whose value differs, with the values before', () => {
    expect(
      policyChanges(current, {
        requireExpiry: false,
        maxLifetimeDays: null,
        tokenIssuance: 'admins_only',
        adminRevocation: 'any_token',
      }),
    ).toEqual({
      changes: { maxLifetimeDays: null, tokenIssuance: 'admins_only' },
      previous: { maxLifetimeDays: 90, tokenIssuance: 'all_members' },
    });
  });

  it('reports a new default rights preset with the one before (seed 002: "Grant the least")', () => {
    expect(policyChanges(current, { defaultRights: 'read_write' })).toEqual({
      changes: { defaultRights: 'read_write' },
      previous: { defaultRights: 'read' },
    });
    expect(policyChanges(current, { defaultRights: 'read' })).toEqual({ changes: {}, previous: {} });
  });

  it('finds nothing to change in a request that repeats the policy', () => {
    expect(policyChanges(current, { tokenVisibility: 'admins_see_all' })).toEqual({
      changes: {},
      previous: {},
    });
  });
});

describe('idlePolicyViolation', () => {
  it('accepts the policy off whatever the warning, and a warning shorter than the idle period', () => {
    expect(idlePolicyViolation({ idleRevokeAfterDays: null, idleWarningDays: 365 })).toBeNull();
    expect(idlePolicyViolation({ idleRevokeAfterDays: 8, idleWarningDays: 7 })).toBeNull();
  });

  it('refuses a warning that would come before the token became idle', () => {
    expect(idlePolicyViolation({ idleRevokeAfterDays: 7, idleWarningDays: 7 })?.code).toBe(
      TenantErrorCode.IdleWarningTooLong,
    );
    expect(idlePolicyViolation({ idleRevokeAfterDays: 5, idleWarningDays: 7 })?.code).toBe(
      'IDLE_WARNING_TOO_LONG',
    );
  });
});

describe('TenantPolicyService.update', () => {
  const owner: AdminPrincipal = {
    userId: 'olga',
    tenantId: 'acme',
    role: 'owner',
    email: null,
    emailVerified: true,
  };

  /** The `tenants` table in memory, one tenant, read and written through the fake transactions. */
  function setUp(options: { recoveryKey?: boolean; recoverableTokens?: boolean } = {}) {
    const db = new FakeTransactions();
    /** Tenants whose kept copies were deleted, and in which transaction. */
    const forgotten: { tenantId: string; tx: Tx }[] = [];
    const recovery = {
      available: options.recoveryKey ?? true,
      forgetTenant: (tx: Tx, tenantId: string) => {
        db.through(tx);
        forgotten.push({ tenantId, tx });
        return Promise.resolve(2);
      },
    } as unknown as TokenRecoveryStore;
    const row = {
      id: 'acme',
      plan: 'team',
      requireExpiry: false,
      maxLifetimeDays: null,
      ...DEFAULT_GOVERNANCE,
      recoverableTokens: options.recoverableTokens ?? false,
      idleRevokeAfterDays: null,
      idleWarningDays: 7,
      expiryReminderDays: null,
    } as Tenant;
    const tenants = {
      findOrCreate: () => Promise.resolve({ ...row }),
      lock: (tx: Tx) => {
        db.through(tx);
        return Promise.resolve({ ...row });
      },
      updatePolicy: (tx: Tx, _id: string, changes: TenantPolicyChanges) => {
        db.through(tx);
        Object.assign(row, changes);
        return Promise.resolve();
      },
    } as unknown as TenantsRepository;
    const service = new TenantPolicyService(
      tenants,
      { API_ACCESS_PLANS: apiAccessPlans, DEFAULT_TENANT_PLAN: 'team' } as IssuerConfig,
      db as unknown as UnitOfWork,
      recovery,
    );
    return { db, row, service, forgotten };
  }

  it('changes the governance policy and announces it for the audit log, with the values before', async () => {
    const { db, row, service } = setUp();
    const view = await service.update(owner, { tokenVisibility: 'own_tokens_only', requireExpiry: false });
    expect(view).toMatchObject({ tokenVisibility: 'own_tokens_only', tokenIssuance: 'all_members' });
    expect(row.tokenVisibility).toBe('own_tokens_only');
    expect(db.emitted.map((e) => ({ type: e.type, ...e.fields }))).toEqual([
      expect.objectContaining({
        type: EventType.TenantPolicyChanged,
        subject: 'acme',
        tenantId: 'acme',
        data: {
          changedBy: 'olga',
          changes: { tokenVisibility: 'own_tokens_only' },
          previous: { tokenVisibility: 'admins_see_all' },
        },
      }),
    ]);
  });

  it('announces nothing when nothing changes', async () => {
    const { db, service } = setUp();
    await service.update(owner, { adminRevocation: 'any_token' });
    expect(db.emitted).toEqual([]);
  });

  describe('idle policy and reminder days (issue 14)', () => {
    it('switches the idle policy on, announced with the values before', async () => {
      const { service, db } = setUp();
      const view = await service.update(owner, { idleRevokeAfterDays: 90, idleWarningDays: 14 });
      expect(view).toMatchObject({ idleRevokeAfterDays: 90, idleWarningDays: 14 });
      expect(db.emitted[0]?.fields.data).toEqual({
        changedBy: owner.userId,
        changes: { idleRevokeAfterDays: 90, idleWarningDays: 14 },
        previous: { idleRevokeAfterDays: null, idleWarningDays: 7 },
      });
    });

    it('refuses a warning as long as the idle period, judged with the stored values, and changes nothing', async () => {
      const { service, db } = setUp();
      await service.update(owner, { idleRevokeAfterDays: 30 });
      await expect(service.update(owner, { idleWarningDays: 30 })).rejects.toMatchObject({
        code: 'IDLE_WARNING_TOO_LONG',
        status: 422,
      });
      await expect(service.update(owner, { idleRevokeAfterDays: 7 })).rejects.toMatchObject({
        code: 'IDLE_WARNING_TOO_LONG',
      });
      expect(db.emitted).toHaveLength(1);
      expect(await service.update(owner, { idleRevokeAfterDays: null, idleWarningDays: 30 })).toMatchObject({
        idleRevokeAfterDays: null,
        idleWarningDays: 30,
      });
    });

    it('stores reminder days latest first', async () => {
      const { service } = setUp();
      expect(await service.update(owner, { expiryReminderDays: [7, 60, 30] })).toMatchObject({
        expiryReminderDays: [60, 30, 7],
      });
    });
  });

  describe('recoverable tokens (seed 003)', () => {
    it('turns them on, announced like the other policy fields, deleting nothing', async () => {
      const { db, row, service, forgotten } = setUp();
      const view = await service.update(owner, { recoverableTokens: true });
      expect(view.recoverableTokens).toBe(true);
      expect(row.recoverableTokens).toBe(true);
      expect(forgotten).toEqual([]);
      expect(db.emitted[0]?.fields.data).toEqual({
        changedBy: 'olga',
        changes: { recoverableTokens: true },
        previous: { recoverableTokens: false },
      });
    });

    it('refuses to turn them on without TOKEN_RECOVERY_KEY (422), changing nothing', async () => {
      const { db, row, service } = setUp({ recoveryKey: false });
      await expect(service.update(owner, { recoverableTokens: true })).rejects.toMatchObject({
        code: TenantErrorCode.TokenRecoveryUnavailable,
        status: 422,
      });
      expect(row.recoverableTokens).toBe(false);
      expect(db.emitted).toEqual([]);
    });

    it('deletes every kept copy of the tenant in the transaction that turns them off', async () => {
      const { db, row, service, forgotten } = setUp({ recoverableTokens: true });
      await service.update(owner, { recoverableTokens: false });
      expect(row.recoverableTokens).toBe(false);
      expect(forgotten).toHaveLength(1);
      expect(forgotten[0]?.tenantId).toBe('acme');
      expect(forgotten[0]?.tx).toBeDefined();
      expect(db.emitted[0]?.fields.data).toMatchObject({ changes: { recoverableTokens: false } });
    });

    it('deletes nothing when a request repeats "off" (or changes another field)', async () => {
      const { service, forgotten } = setUp();
      await service.update(owner, { recoverableTokens: false, requireExpiry: true });
      expect(forgotten).toEqual([]);
    });
  });
});
