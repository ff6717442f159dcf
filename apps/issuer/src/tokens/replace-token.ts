import { Injectable } from '@nestjs/common';
import { EventType, type RenewalReason } from '@latchkey/contracts';
import type { AdminPrincipal } from '../auth/admin-principal';
import { UnitOfWork, type UnitOfWorkTx } from '../outbox/unit-of-work';
import { TenantPolicyService } from '../tenants/tenant-policy.service';
import { autoRenewalSettingsOf } from './auto-renewal';
import type { RenewTokenDto } from './dto/renew-token.dto';
import type { RotationGrace } from './dto/rotate-token.dto';
import type { Token } from './token.entity';
import { type CreatedToken, TokenIssuance } from './token-issuance';
import { TokenRenewalStops } from './token-renewal-stops';
import { technicalOwnerOf } from './technical-owner';
import {
  assertMayIssueTokens,
  assertReplaceable,
  assertTokenOwner,
  earliest,
  GRACE_MS,
  requireVerifiedEmail,
  scopeOf,
  tokenNotFound,
} from './token-rules';
import { toTokenView, type TokenView } from './token-view';
import { TokenError, TokenErrorCode } from './tokens.errors';
import { TokensRepository } from './tokens.repository';

/** A rotation or renewal: the new token (with its plaintext, once) and the old one with its new end. */
export interface ReplacedToken extends CreatedToken {
  replaced: TokenView;
}

/**
 * How a token is replaced by its successor: the successor's name and description, when the old token
 * ends, why, and who did it (an admin's user id, or the service that redeemed an auto-renewal).
 */
export interface ReplacementPlan {
  name: string;
  description: string | null;
  oldEndsAt: Date;
  reason: RenewalReason;
  actorId: string;
  /** The actor's email, recorded beside `actorId` as the successor's `issuedBy`; null for a service. */
  actorEmail?: string | null;
}

type AdminPlan = Pick<ReplacementPlan, 'name' | 'description' | 'oldEndsAt'>;

/**
 * The successor algorithm, shared by rotation (seed 004), renewal (seed 003) and the redeem of an
 * auto-renewal key: a new token with a new id and secret that takes over from the old one.
 */
@Injectable()
export class ReplaceToken {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly tokens: TokensRepository,
    private readonly issuance: TokenIssuance,
    private readonly policies: TenantPolicyService,
    private readonly renewalStops: TokenRenewalStops,
  ) {}

  /**
   * Issues the successor of `old` in the caller's unit of work; the caller has locked `old` (SELECT … FOR
   * UPDATE). A token has at most one successor: one already replaced, revoked or expired is refused
   * (409); concurrent replacements queue on the row lock, so only the first finds the token replaceable.
   *
   * The successor belongs to the old token's creator (same tenant, scopes, resources and purpose) and
   * keeps the old one's lifetime from `now` (a token that never expired still never does); today's plan
   * and policy apply to it as on creation. It takes over the auto-renewal settings, with its first
   * renewal due `everyDays` from now. The old token gets its new end and points to its successor; the
   * verifiers' cache learns that end before commit. TokenCreated and TokenRenewed go to the outbox.
   */
  async replace(tx: UnitOfWorkTx, old: Token, plan: ReplacementPlan, now: Date): Promise<ReplacedToken> {
    assertReplaceable(old, now);
    const lifetime = old.expiresAt === null ? null : old.expiresAt.getTime() - old.createdAt.getTime();
    const expiresAt = lifetime === null ? null : new Date(now.getTime() + lifetime);
    await this.policies.assertMayIssue(old.tenantId, expiresAt, now, tx);
    const created = await this.issuance.issue(
      tx,
      { tenantId: old.tenantId, userId: old.createdBy, email: old.createdByEmail },
      {
        name: plan.name,
        description: plan.description,
        expiresAt,
        scopes: old.scopes,
        rights: old.rights,
        resources: old.resources,
        purpose: old.purpose,
        replacesTokenId: old.id,
        autoRenewal: autoRenewalSettingsOf(old),
        performedBy: plan.actorId,
        performedByEmail: plan.actorEmail ?? null,
        ownerActive: old.ownerActive,
        // The successor serves the same systems: the same people are told about it (seed 004).
        technicalOwner: technicalOwnerOf(old),
      },
      now,
    );
    const changes = { expiresAt: plan.oldEndsAt, replacedByTokenId: created.id, renewalNextAt: null };
    Object.assign(old, changes);
    await this.tokens.update(tx, old.id, changes);
    tx.emit(EventType.TokenRenewed, {
      subject: old.id,
      tenantId: old.tenantId,
      time: now,
      data: {
        oldTokenId: old.id,
        newTokenId: created.id,
        oldTokenEndsAt: plan.oldEndsAt.toISOString(),
        renewedBy: plan.actorId,
        reason: plan.reason,
        technicalOwner: technicalOwnerOf(old),
      },
    });
    this.issuance.propagateBeforeCommit(tx, old);
    return { ...created, replaced: toTokenView(old, now) };
  }

  /**
   * `POST /v1/tokens/:id/rotate`: a new secret with the same settings and a new id (seed 004). The old
   * secret keeps working for the grace period, never past its own expiry.
   */
  rotate(principal: AdminPrincipal, id: string, grace: RotationGrace): Promise<ReplacedToken> {
    return this.byAdmin(principal, id, 'rotation', (old, now) => ({
      name: old.name,
      description: old.description,
      oldEndsAt: earliest(old.expiresAt, new Date(now.getTime() + GRACE_MS[grace])),
    }));
  }

  /** `POST /v1/tokens/:id/renew`: a new token with the given name; the old one ends when asked (seed 003). */
  renew(principal: AdminPrincipal, id: string, request: RenewTokenDto): Promise<ReplacedToken> {
    return this.byAdmin(principal, id, 'manual', (old, now) => {
      if (request.oldTokenEndsAt.getTime() < now.getTime() - 1_000) {
        throw new TokenError(TokenErrorCode.EndInPast, 'oldTokenEndsAt cannot be in the past.');
      }
      if (old.expiresAt !== null && request.oldTokenEndsAt.getTime() > old.expiresAt.getTime()) {
        throw new TokenError(
          TokenErrorCode.CannotExtend,
          `The old token already expires at ${old.expiresAt.toISOString()}; a renewal cannot extend it.`,
        );
      }
      return {
        name: request.name,
        description: request.description ?? null,
        // Within the second of tolerance above, "now" means now.
        oldEndsAt: request.oldTokenEndsAt < now ? now : request.oldTokenEndsAt,
      };
    });
  }

  /**
   * A rotation or renewal of a live token, in one unit of work. Only the owner may do it (403
   * `NOT_TOKEN_OWNER` for anyone else): the response carries the successor's plaintext. The tenant's
   * governance applies: who may issue, and whose tokens the caller sees.
   */
  private byAdmin(
    principal: AdminPrincipal,
    id: string,
    reason: Extract<RenewalReason, 'manual' | 'rotation'>,
    plan: (old: Token, now: Date) => AdminPlan,
  ): Promise<ReplacedToken> {
    requireVerifiedEmail(principal);
    const now = new Date();
    return this.unitOfWork.run(async (tx) => {
      const governance = await this.policies.governance(principal.tenantId, tx);
      // A successor is a new token: under `admins_only` members may not issue one (seeds 000, 004).
      assertMayIssueTokens(principal, governance);
      const old = await this.tokens.lockVisible(tx, scopeOf(principal, governance), id);
      if (!old) throw tokenNotFound(id);
      assertTokenOwner(principal, old, reason === 'rotation' ? 'rotate it' : 'renew it');
      assertReplaceable(old, now);
      const replaced = await this.replace(
        tx,
        old,
        { ...plan(old, now), reason, actorId: principal.userId, actorEmail: principal.email },
        now,
      );
      // The successor carries the auto-renewal on: a key still open for the old token must not renew it.
      await this.renewalStops.apply(tx, old.id, now);
      return replaced;
    });
  }
}
