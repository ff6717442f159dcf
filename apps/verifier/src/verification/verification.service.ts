import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import {
  type CachedTokenState,
  effectivePermissions,
  VerifyReason,
  type VerifyResponse,
} from '@latchkey/contracts';
import { hashToken, parseToken } from '@latchkey/token-format';
import { CLOCK, type Clock } from '../clock';
import { type MemoryStamp, VerdictMemory } from '../coherence/verdict-memory';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import { UsageRecorder } from '../usage/usage-recorder';
import { OWNER_DIRECTORY, type OwnerDirectory, type OwnerStanding } from './owner-directory';
import { ReadThroughCache } from './read-through-cache';
import { REFUSAL_LIMITER, type RefusalLimiter } from './refusal-limiter';
import { TENANT_DIRECTORY, type TenantDirectory } from './tenant-directory';
import { TOKEN_STATE_CACHE, type TokenStateCache } from './token-state-cache';
import { TOKEN_STORE, type TokenStore } from './token-store';
import { VerificationError } from './verification.errors';

export type VerificationSettings = Pick<
  VerifierConfig,
  'TOKEN_CACHE_TTL_SECONDS' | 'NEGATIVE_CACHE_TTL_SECONDS' | 'TOKEN_SCOPE_CATALOG'
>;

/** What the caller's operation needs, beyond a valid token. */
export interface VerifyNeeds {
  requiredScopes?: readonly string[];
  /** The resource the operation touches; undefined or empty when the caller names none. */
  resource?: string;
  /** The caller checks the token's `resources` itself when it names none. */
  callerEnforcesResources?: boolean;
  /** The name the calling service gave itself (analytics only; never changes the verdict). */
  caller?: string;
}

/**
 * Answers "is this token valid?". Only a verdict it could check is ever given: when neither the cache
 * nor Postgres answers, the call fails instead. Tokens and their hashes are never logged.
 */
@Injectable()
export class VerificationService {
  private readonly logger = new Logger(VerificationService.name);
  private readonly tokenStates: ReadThroughCache<string, CachedTokenState>;
  private readonly memory: VerdictMemory;
  private readonly tenants: TenantDirectory;
  /** Loads in flight by token hash, each with the memory stamp it started under. */
  private readonly loading = new Map<string, { stamp: MemoryStamp; state: Promise<CachedTokenState> }>();

  constructor(
    @Inject(TOKEN_STATE_CACHE) cache: TokenStateCache,
    @Inject(TOKEN_STORE) private readonly store: TokenStore,
    @Inject(UsageRecorder) private readonly usage: Pick<UsageRecorder, 'record'>,
    @Inject(VERIFIER_CONFIG) private readonly settings: VerificationSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(OWNER_DIRECTORY) private readonly owners: OwnerDirectory,
    @Inject(REFUSAL_LIMITER) private readonly refusals: Pick<RefusalLimiter, 'blockedFor' | 'refused'>,
    @Optional() @Inject(VerdictMemory) memory?: VerdictMemory,
    @Optional() @Inject(TENANT_DIRECTORY) tenants?: TenantDirectory,
  ) {
    this.tenants = tenants ?? { hasApiAccess: () => Promise.resolve(true), apiAccessNow: () => true };
    this.memory = memory ?? new VerdictMemory({ trusted: () => false }, NO_MEMORY);
    this.tokenStates = new ReadThroughCache(cache, {
      name: 'token-state',
      source: 'Postgres',
      ttlSecondsOf: (state) =>
        state.found ? settings.TOKEN_CACHE_TTL_SECONDS : settings.NEGATIVE_CACHE_TTL_SECONDS,
      clock,
      logger: this.logger,
    });
  }

  /**
   * `caller` (the caller's address) is limited in refusals: over its limit, only tokens the cache knows
   * as valid are answered, everything else is 429 RATE_LIMITED without a Postgres read.
   */
  async verify(candidate: string, needs: VerifyNeeds = {}, caller?: string): Promise<VerifyResponse> {
    const blockedFor = caller === undefined ? 0 : this.refusals.blockedFor(caller);
    const parsed = parseToken(candidate);
    if (!parsed.ok) return this.malformed(parsed.failure, caller, blockedFor);

    const tokenHash = hashToken(parsed.token);
    const state =
      blockedFor > 0
        ? (this.memory.token(tokenHash) ?? (await this.tokenStates.peek(tokenHash)))
        : await this.lookUp(tokenHash);
    if (state === null) throw VerificationError.rateLimited(blockedFor);
    const now = this.clock();
    let verdict = judge(state, now);
    if (verdict.valid && state.found) {
      const [apiAccess, standing] = await Promise.all([this.accessOf(state), this.standingOf(state)]);
      verdict = this.authorized(state, apiAccess, standing, needs);
    }
    return this.conclude(state, verdict, now, needs, caller, blockedFor);
  }

  /**
   * The same verdict as `verify`, given synchronously when no I/O is needed: a token that does not
   * parse, or one whose state, tenant and owner memory holds under the current lease. Undefined when
   * something has to be loaded (call `verify` then); nothing is counted for an undefined answer. Throws
   * what `verify` rejects with (429 RATE_LIMITED). The transports answer a warm verify without a
   * promise in between.
   */
  verifyNow(candidate: string, needs: VerifyNeeds = {}, caller?: string): VerifyResponse | undefined {
    const blockedFor = caller === undefined ? 0 : this.refusals.blockedFor(caller);
    const parsed = parseToken(candidate);
    if (!parsed.ok) return this.malformed(parsed.failure, caller, blockedFor);
    const state = this.memory.token(hashToken(parsed.token));
    // A miss is tallied by `lookUp`, which the transports call next.
    if (state === null) return undefined;
    this.memory.noteTokenLookup(true);
    const now = this.clock();
    let verdict = judge(state, now);
    if (verdict.valid && state.found) {
      const apiAccess = this.tenants.apiAccessNow?.(state.tenantId);
      const standing = this.owners.standingNow?.(state.tenantId, state.ownerId);
      if (apiAccess === undefined || standing === undefined) return undefined;
      verdict = this.authorized(state, apiAccess, standing, needs);
    }
    return this.conclude(state, verdict, now, needs, caller, blockedFor);
  }

  private malformed(failure: string, caller: string | undefined, blockedFor: number): VerifyResponse {
    this.logger.debug({ msg: 'token refused', reason: VerifyReason.Malformed, failure });
    return this.refuse(refusal(VerifyReason.Malformed), caller, blockedFor);
  }

  private authorized(
    state: FoundTokenState,
    apiAccess: boolean,
    standing: OwnerStanding,
    needs: VerifyNeeds,
  ): VerifyResponse {
    return apiAccess
      ? authorize(state, standing, needs, this.settings.TOKEN_SCOPE_CATALOG)
      : { valid: false, reason: VerifyReason.PlanInactive, ...identityOf(state) };
  }

  /** Counts a use or a refusal, and gives the verdict (or 429 to a blocked caller). */
  private conclude(
    state: CachedTokenState,
    verdict: VerifyResponse,
    now: Date,
    needs: VerifyNeeds,
    caller: string | undefined,
    blockedFor: number,
  ): VerifyResponse {
    // Every verdict given on a known token is counted (a refusal answered 429 instead is not given).
    if (state.found && (verdict.valid || blockedFor === 0)) {
      this.usage.record(state.tokenId, state.tenantId, now, verdict.reason, needs.caller);
    }
    this.logger.debug({
      msg: verdict.valid ? 'token accepted' : 'token refused',
      reason: verdict.reason,
      tokenId: verdict.tokenId,
    });
    return verdict.valid ? verdict : this.refuse(verdict, caller, blockedFor);
  }

  /**
   * A refusal counts against its caller; a blocked caller gets 429 instead of the verdict. The count is
   * sent in the background (batched per caller): the verdict does not wait for Redis, and the block
   * applies from the next request once the count has crossed the limit.
   */
  private refuse(verdict: VerifyResponse, caller: string | undefined, blockedFor: number) {
    if (caller === undefined) return verdict;
    if (blockedFor > 0) throw VerificationError.rateLimited(blockedFor);
    void this.refusals.refused(caller);
    return verdict;
  }

  /** Whether the tenant's plan includes API access now (seed 004). */
  private async accessOf(state: { tenantId: string }): Promise<boolean> {
    try {
      return await this.tenants.hasApiAccess(state.tenantId);
    } catch (error) {
      this.logger.error(`tenant directory unavailable, refusing to answer: ${messageOf(error)}`);
      throw VerificationError.unavailable();
    }
  }

  private async standingOf(state: { tenantId: string; ownerId: string }): Promise<OwnerStanding> {
    try {
      return await this.owners.standing(state.tenantId, state.ownerId);
    } catch (error) {
      this.logger.error(`owner directory unavailable, refusing to answer: ${messageOf(error)}`);
      throw VerificationError.unavailable();
    }
  }

  /**
   * From memory when the lease allows; otherwise one load per hash at a time, through the shared cache
   * and Postgres, remembered if nothing was invalidated meanwhile. A caller joins a load in flight only
   * while memory could still keep its result: after an invalidation (so after any change that has
   * returned since), it starts a load of its own instead of sharing an older one.
   */
  private lookUp(tokenHash: string): Promise<CachedTokenState> {
    const remembered = this.memory.token(tokenHash);
    this.memory.noteTokenLookup(remembered !== null);
    if (remembered !== null) return Promise.resolve(remembered);
    const inFlight = this.loading.get(tokenHash);
    if (inFlight !== undefined && this.memory.mayKeep(inFlight.stamp)) return inFlight.state;
    const stamp = this.memory.stamp();
    const state = this.load(tokenHash).then((loaded) => {
      this.memory.putToken(stamp, tokenHash, loaded);
      return loaded;
    });
    const entry = { stamp, state };
    this.loading.set(tokenHash, entry);
    const settled = () => {
      if (this.loading.get(tokenHash) === entry) this.loading.delete(tokenHash);
    };
    state.then(settled, settled);
    return state;
  }

  /** Through the shared cache; a token store that cannot be read means no verdict. */
  private load(tokenHash: string): Promise<CachedTokenState> {
    return this.tokenStates.get(tokenHash, async () => {
      try {
        return await this.store.findByHash(tokenHash);
      } catch (error) {
        this.logger.error(`token store unavailable, refusing to answer: ${messageOf(error)}`);
        throw VerificationError.unavailable();
      }
    });
  }
}

/** No memory at all: what the service uses when none is given (unit specs of the rest). */
const NO_MEMORY = { maxEntries: 0, maxBytes: 0, ttlMs: 0 };

/** Revocation wins over expiry; an expiry that cannot be read counts as passed. */
export function judge(state: CachedTokenState, now: Date): VerifyResponse {
  if (!state.found) return refusal(VerifyReason.NotFound);
  const identity = identityOf(state);
  if (state.revoked) return { valid: false, reason: VerifyReason.Revoked, ...identity };
  if (state.expiresAt !== null && !(Date.parse(state.expiresAt) > now.getTime())) {
    return { valid: false, reason: VerifyReason.Expired, ...identity };
  }
  return { valid: true, reason: VerifyReason.Ok, ...identity };
}

/**
 * A live token acts for its owner as the owner stands *now* (seeds 000–002): a removed owner's tokens stop,
 * and the token's scopes are cut down to what the owner's current role allows. Then the caller's needs.
 */
export function authorize(
  state: FoundTokenState,
  owner: OwnerStanding,
  needs: VerifyNeeds,
  catalog: readonly string[],
): VerifyResponse {
  const identity = identityOf(state);
  if (!owner.active) return { valid: false, reason: VerifyReason.OwnerInactive, ...identity };
  const granted = {
    ...identity,
    effectivePermissions: effectivePermissions(state.scopes, owner.role, catalog),
  };
  if (state.resources.length > 0) {
    // A restricted token is never OK by omission: the caller names the resource, or says it enforces
    // the returned `resources` itself.
    const resource = needs.resource === '' ? undefined : needs.resource;
    if (resource === undefined && needs.callerEnforcesResources !== true) {
      return { valid: false, reason: VerifyReason.ResourceRequired, ...granted };
    }
    if (resource !== undefined && !state.resources.includes(resource)) {
      return { valid: false, reason: VerifyReason.ResourceForbidden, ...granted };
    }
  }
  if ((needs.requiredScopes ?? []).some((scope) => !granted.effectivePermissions.includes(scope))) {
    return { valid: false, reason: VerifyReason.InsufficientScope, ...granted };
  }
  return { valid: true, reason: VerifyReason.Ok, ...granted };
}

type FoundTokenState = Extract<CachedTokenState, { found: true }>;

function identityOf(state: FoundTokenState) {
  return {
    tokenId: state.tokenId,
    tenantId: state.tenantId,
    ownerId: state.ownerId,
    expiresAt: state.expiresAt,
    effectivePermissions: [] as string[],
    resources: state.resources,
  };
}

function refusal(reason: VerifyReason.Malformed | VerifyReason.NotFound): VerifyResponse {
  return {
    valid: false,
    reason,
    tokenId: null,
    tenantId: null,
    ownerId: null,
    expiresAt: null,
    effectivePermissions: [],
    resources: [],
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
