import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '../auth/admin-principal';
import type { Tx } from '../database/transaction';
import { UnitOfWork } from '../outbox/unit-of-work';
import { TenantPolicyService } from '../tenants/tenant-policy.service';
import type { GovernancePolicy } from '../tenants/governance-policy';
import { TenantError } from '../tenants/tenants.errors';
import {
  type BulkRevokeDto,
  type BulkRevokeOutcome,
  MAX_BULK_REVOKE_BY_CREATOR,
} from './dto/bulk-revoke.dto';
import type { Token } from './token.entity';
import { TokenRevocation } from './token-revocation';
import { assertMayRevoke, scopeOf } from './token-rules';
import { TokenError, TokenErrorCode } from './tokens.errors';
import { TokensRepository, type TokenScope } from './tokens.repository';

export interface BulkRevokeResult {
  results: { tokenId: string; outcome: BulkRevokeOutcome; code?: string }[];
  revoked: number;
}

type Target = { ids: string[] } | { createdBy: string; expectedCount: number };

/**
 * `POST /v1/tokens/bulk-revoke` (seeds 000, 004: "revoke unused or stale keys promptly"; offboarding):
 * each token checked as `POST /v1/tokens/:id/revoke` checks it (the tenant's policies) and revoked by
 * the same steps (`TokenRevocation`: pending renewals, one TokenRevoked event and so one audit entry and
 * owner mail per token), all in one unit of work with one cache write before commit: once this returns,
 * no verifier accepts any of them.
 *
 * The rows are locked in id order by one statement, so concurrent bulk revokes over overlapping sets
 * wait for each other instead of deadlocking, and a token revoked meanwhile reads `already_revoked`.
 * It runs on the main pool, a few at a time (`BULK_REVOKE_CONCURRENCY`): a large batch never takes the
 * connections reserved for single revokes, and a burst of batches never takes the whole pool.
 */
@Injectable()
export class BulkRevokeTokens {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly tokens: TokensRepository,
    private readonly revocation: TokenRevocation,
    private readonly policies: TenantPolicyService,
  ) {}

  private readonly turns = new Turns(BULK_REVOKE_CONCURRENCY);

  async execute(principal: AdminPrincipal, request: BulkRevokeDto): Promise<BulkRevokeResult> {
    const target = targetOf(request);
    return this.turns.run(() => this.revoke(principal, target));
  }

  private revoke(principal: AdminPrincipal, target: Target): Promise<BulkRevokeResult> {
    const now = new Date();
    return this.unitOfWork.run(async (tx) => {
      const governance = await this.policies.governance(principal.tenantId, tx);
      const scope = scopeOf(principal, governance);
      const locked =
        'ids' in target
          ? await this.lockOpen(tx, scope, target.ids)
          : await this.tokens.lockLiveOf(tx, scope, target.createdBy, now);
      if ('createdBy' in target) assertConfirmedCount(locked.length, target.expectedCount);

      const byId = new Map(locked.map((token) => [token.id, token]));
      const results: BulkRevokeResult['results'] = [];
      const revoked: Token[] = [];
      for (const tokenId of 'ids' in target ? target.ids : locked.map((t) => t.id)) {
        const record = byId.get(tokenId);
        if (!record) {
          results.push({ tokenId, outcome: 'not_found', code: TokenErrorCode.NotFound });
          continue;
        }
        const refused = refusal(principal, record, governance);
        if (refused) {
          results.push({ tokenId, ...refused });
          continue;
        }
        revoked.push(record);
        results.push({ tokenId, outcome: 'revoked' });
      }
      await this.revocation.revokeAllLocked(tx, revoked, { revokedBy: principal.userId }, now);
      return { results, revoked: revoked.length };
    });
  }

  /**
   * The named tokens in scope; those not revoked yet locked (in id order). A revoked token stays revoked,
   * so it needs no lock: callers naming tokens another caller has just revoked do not queue behind it.
   */
  private async lockOpen(tx: Tx, scope: TokenScope, ids: string[]): Promise<Token[]> {
    const seen = await this.tokens.findVisibleMany(tx, scope, ids);
    const revoked = seen.filter((t) => t.status === 'revoked');
    const open = seen.filter((t) => t.status !== 'revoked').map((t) => t.id);
    return [...revoked, ...(await this.tokens.lockVisibleMany(tx, scope, open))];
  }
}

/**
 * How many bulk revokes one issuer runs at once; the others wait their turn in memory, holding no
 * database connection. A burst of bulk revokes over overlapping tokens then neither fills the pool nor
 * queues on row locks past the lock timeout: each runs behind at most one other.
 */
export const BULK_REVOKE_CONCURRENCY = 2;

/** Runs work at most `limit` at a time, in arrival order. */
class Turns {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

/** Exactly one way of naming the tokens; the ids once each, in the order given. */
function targetOf(request: BulkRevokeDto): Target {
  const { ids, createdBy, expectedCount } = request;
  if (ids !== undefined && createdBy === undefined && expectedCount === undefined) {
    return { ids: [...new Set(ids.map((id) => id.toLowerCase()))] };
  }
  if (ids === undefined && createdBy !== undefined && expectedCount !== undefined) {
    return { createdBy, expectedCount };
  }
  throw new TokenError(
    TokenErrorCode.BulkRevokeTargetInvalid,
    'Name the tokens either by `ids`, or by `createdBy` together with `expectedCount` (the number of ' +
      'tokens you confirmed), not both.',
  );
}

function assertConfirmedCount(count: number, expectedCount: number): void {
  if (count > MAX_BULK_REVOKE_BY_CREATOR) {
    throw new TokenError(
      TokenErrorCode.BulkRevokeTooLarge,
      `This person has ${count} live tokens; one request revokes at most ${MAX_BULK_REVOKE_BY_CREATOR}. ` +
        'Revoke them by ids, in batches.',
      { count, max: MAX_BULK_REVOKE_BY_CREATOR },
    );
  }
  if (count !== expectedCount) {
    throw new TokenError(
      TokenErrorCode.BulkRevokeCountMismatch,
      `This person has ${count} live tokens you may revoke now, not ${expectedCount}; nothing was ` +
        'revoked. Review the list and confirm again.',
      { count, expectedCount },
    );
  }
}

/**
 * Why a visible token is not revoked, in the order a single revoke checks: the tenant's
 * `adminRevocation` policy, then whether it is revoked already. Undefined: revoke it.
 */
function refusal(
  principal: AdminPrincipal,
  record: Token,
  governance: Pick<GovernancePolicy, 'adminRevocation'>,
): { outcome: BulkRevokeOutcome; code: string } | undefined {
  try {
    assertMayRevoke(principal, record, governance);
  } catch (error) {
    if (error instanceof TenantError) return { outcome: 'forbidden', code: error.code };
    throw error;
  }
  return record.status === 'revoked'
    ? { outcome: 'already_revoked', code: TokenErrorCode.AlreadyRevoked }
    : undefined;
}
