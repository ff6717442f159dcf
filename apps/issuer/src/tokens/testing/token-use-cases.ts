/*
 * The token use cases wired to in-memory repositories and transactions, for unit specs: what a spec
 * needs to drive them and to see what they wrote, announced and published. No Jest here, so this file
 * also compiles where the app is built.
 */
import type { EventType } from '@latchkey/contracts';
import type { AdminPrincipal } from '../../auth/admin-principal';
import type { IssuerConfig } from '../../config';
import { CacheReplicationError, VerifierCacheUnreachableError } from '../../infrastructure/verifier-cache';
import type { Tx } from '../../database/transaction';
import { FakeTransactions } from '../../outbox/testing/fake-transactions';
import type { EventFields, UnitOfWork } from '../../outbox/unit-of-work';
import type { SigningSecretsService } from '../../signing-secrets/signing-secrets.service';
import type { TokenRecoveryStore } from '../../token-recovery/token-recovery.store';
import { DEFAULT_GOVERNANCE, type GovernancePolicy } from '../../tenants/governance-policy';
import type { TenantPolicyService } from '../../tenants/tenant-policy.service';
import type { TenantApplicationsService, TokenCatalogView } from '../../tenants/tenant-applications.service';
import { AutoRenewalAcceptance } from '../accept-auto-renewal';
import { BulkRevokeTokens } from '../bulk-revoke-tokens';
import { CreateToken } from '../create-token';
import { ReplaceToken } from '../replace-token';
import { RevokeToken } from '../revoke-token';
import { TokenRevocation } from '../token-revocation';
import type { Token } from '../token.entity';
import { TokenIssuance } from '../token-issuance';
import { TokenQueries } from '../token-queries';
import { TokenRenewalStops } from '../token-renewal-stops';
import type { TokenStateCache } from '../token-state-cache';
import type { TokensRepository } from '../tokens.repository';
import { UpdateToken } from '../update-token';
import { InMemoryTokens } from './in-memory-tokens';

export { aToken } from './a-token';

/** A renewal "day" of one second, so schedules are easy to read. */
export const RENEWAL_DAY_MS = 1_000;
/** An https URL on a public address literal: passes the SSRF guard without a DNS lookup. */
export const CALLBACK = 'https://8.8.8.8/latchkey/renewals';

export const carla: AdminPrincipal = {
  userId: 'carla',
  tenantId: 'acme',
  role: 'admin',
  email: 'carla@acme.test',
  emailVerified: true,
};

/** The owner (creator) of `aToken()`: only she receives its successors' plaintext. */
export const alice: AdminPrincipal = {
  userId: 'alice',
  tenantId: 'acme',
  role: 'admin',
  email: 'alice@acme.test',
  emailVerified: true,
};

/** Auto-renewal every 30 days, next due on 2026-12-01. */
export const renewing = {
  renewalEveryDays: 30,
  renewalCallbackUrl: CALLBACK,
  renewalMailRecipient: 'ops@acme.test',
  renewalNextAt: new Date('2026-12-01T00:00:00.000Z'),
};

/** How a plan check was asked: which tenant, expiry and time, and through which transaction. */
export interface PolicyCheck {
  tenantId: string;
  expiresAt: Date | null;
  now: Date;
  tx: Tx | undefined;
}

/** The events of one type that committed transactions announced, in order. */
export function eventsOf<T extends EventType>(db: FakeTransactions, type: T): EventFields<T>[] {
  return db.emitted.filter((e) => e.type === type).map((e) => e.fields as EventFields<T>);
}

export interface TokenUseCasesOptions {
  /** Tenants with recoverable tokens on (seed 003): their new tokens are kept in `recovered`. */
  recoverable?: string[];
  hasSigningSecret?: boolean;
  /** The tenant's governance policy (default: today's behaviour); a spec may change it between calls. */
  governance?: Partial<GovernancePolicy>;
  maxTokensPerTenant?: number;
  /** The tenant's applications catalog and default rights preset (default: empty, `read`). */
  catalog?: Partial<TokenCatalogView>;
}

export function tokenUseCases(options: TokenUseCasesOptions = {}) {
  const db = new FakeTransactions();
  const tokens = new InMemoryTokens(db);
  const config = {
    RENEWAL_DAY_MS,
    CALLBACK_ALLOW_LIST: [],
    MAX_TOKENS_PER_TENANT: options.maxTokensPerTenant ?? 100,
    TOKEN_SCOPE_CATALOG: ['projects:read', 'projects:write'],
    AGENT_TOKEN_DEFAULT_EXPIRY_DAYS: 90,
  } as unknown as IssuerConfig;

  /** Token states written to the verifiers' cache, in order. */
  const published: Token[] = [];
  /** How many tokens each cache write carried, in order (a bulk revoke writes its tokens at once). */
  const cacheWrites: number[] = [];
  /**
   * `down`: the verifiers' cache cannot be reached, as when Redis is down; `unreplicated`: it is written
   * but no replica confirms it.
   */
  const verifiers = { down: false, unreplicated: false };
  const stateCache = {
    publish: (_tx: Tx, token: Token | readonly Token[]) => {
      if (verifiers.down) {
        return Promise.reject(new VerifierCacheUnreachableError(new Error('Command timed out')));
      }
      if (verifiers.unreplicated) return Promise.reject(new CacheReplicationError(1));
      const batch = Array.isArray(token) ? (token as readonly Token[]) : [token as Token];
      cacheWrites.push(batch.length);
      published.push(...batch.map((t) => ({ ...t })));
      return Promise.resolve();
    },
  } as unknown as TokenStateCache;

  const policyChecks: PolicyCheck[] = [];
  const governance: GovernancePolicy = { ...DEFAULT_GOVERNANCE, ...options.governance };
  const policies = {
    governance: (_tenantId: string, tx?: Tx) => {
      db.through(tx);
      return Promise.resolve({ ...governance });
    },
    assertMayIssue: (tenantId: string, expiresAt: Date | null, now: Date, tx?: Tx) => {
      db.through(tx);
      policyChecks.push({ tenantId, expiresAt, now, tx });
      return Promise.resolve();
    },
  } as unknown as TenantPolicyService;

  /** The tenant's catalog as creation reads it; a spec may change it between calls. */
  const tokenCatalog: TokenCatalogView = { applications: [], defaultRights: 'read', ...options.catalog };
  const catalogs = {
    tokenCatalog: () => {
      db.through(undefined);
      return Promise.resolve({ ...tokenCatalog, applications: [...tokenCatalog.applications] });
    },
  } as unknown as TenantApplicationsService;

  const signingSecretChecks: string[] = [];
  const signingSecrets = {
    hasSigningSecret: (tenantId: string) => {
      db.through(undefined);
      signingSecretChecks.push(tenantId);
      return Promise.resolve(options.hasSigningSecret ?? true);
    },
  } as unknown as SigningSecretsService;

  /** Tokens that stopped renewing, as the renewals feature hears of it (and in which transaction). */
  const renewalStops: { tokenId: string; tx: Tx }[] = [];
  const stops = new TokenRenewalStops();
  stops.register((tx, tokenId) => {
    db.through(tx);
    renewalStops.push({ tokenId, tx });
    return Promise.resolve();
  });

  const unitOfWork = db as unknown as UnitOfWork;
  const repository = tokens as unknown as TokensRepository;
  /** Plaintexts kept for recovery (seed 003), by token id: only for tenants in `options.recoverable`. */
  const recovered = new Map<string, string>();
  const recovery = {
    keepIfRecoverable: (tx: Tx, tenantId: string, tokenId: string, plaintext: string) => {
      db.through(tx);
      const keep = options.recoverable?.includes(tenantId) ?? false;
      if (keep) recovered.set(tokenId, plaintext);
      return Promise.resolve(keep);
    },
  } as unknown as TokenRecoveryStore;
  const issuance = new TokenIssuance(repository, stateCache, config, recovery);
  const acceptance = new AutoRenewalAcceptance(signingSecrets, config);
  const revocation = new TokenRevocation(repository, issuance, stops);
  return {
    db,
    tokens,
    published,
    cacheWrites,
    verifiers,
    policyChecks,
    governance,
    signingSecretChecks,
    renewalStops,
    tokenCatalog,
    recovered,
    revocation,
    create: new CreateToken(unitOfWork, issuance, policies, acceptance, config, catalogs),
    update: new UpdateToken(unitOfWork, repository, acceptance, stops, config, policies),
    revoke: new RevokeToken(unitOfWork, repository, revocation, policies),
    bulkRevoke: new BulkRevokeTokens(unitOfWork, repository, revocation, policies),
    replace: new ReplaceToken(unitOfWork, repository, issuance, policies, stops),
    queries: new TokenQueries(repository, policies),
  };
}
