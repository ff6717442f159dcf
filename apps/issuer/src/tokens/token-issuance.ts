import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type AutoRenewalSettings, EventType, type TokenRights } from '@latchkey/contracts';
import { generateToken } from '@latchkey/token-format';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import type { UnitOfWorkTx } from '../outbox/unit-of-work';
import { applyAutoRenewal, autoRenewalScheduleOf, NO_AUTO_RENEWAL } from './auto-renewal';
import { Token, type TokenPurpose } from './token.entity';
import { CacheReplicationError } from '../infrastructure/verifier-cache';
import { TokenRecoveryStore } from '../token-recovery/token-recovery.store';
import { TokenStateCache } from './token-state-cache';
import { technicalOwnerColumns, technicalOwnerOf, type TechnicalOwner } from './technical-owner';
import { nameWarnings, type TokenWarning } from './token-name-warnings';
import { toTokenView, type TokenView } from './token-view';
import { TokenError, TokenErrorCode } from './tokens.errors';
import { TokensRepository } from './tokens.repository';

export interface CreatedToken extends TokenView {
  /** The plaintext token. Returned once, in the create response, and never again. */
  token: string;
  /** What the issuer advises about the request without refusing it (seed 004: a name with personal data). */
  warnings: TokenWarning[];
}

/** Who a new token belongs to: the admin creating it, or for a successor the old token's creator. */
export interface TokenOwner {
  tenantId: string;
  userId: string;
  email: string | null;
}

export interface NewTokenFields {
  name: string;
  description: string | null;
  expiresAt: Date | null;
  scopes: string[];
  /** The rights preset the scopes came from; null or absent for custom scopes. */
  rights?: TokenRights | null;
  resources: string[];
  purpose: TokenPurpose;
  replacesTokenId: string | null;
  autoRenewal: AutoRenewalSettings | null;
  /**
   * Who performs the issue when it is not the owner's own creation (whoever rotated or renewed, the
   * auto-renewal service), recorded as the token's `issuedBy`; the owner when absent.
   */
  performedBy?: string;
  /** The performer's email, when `performedBy` is given (null for a service). */
  performedByEmail?: string | null;
  /** Whether the owner is an active member, as read with the token being replaced; true when absent. */
  ownerActive?: boolean;
  /** Whom to tell before rotating or revoking it (seed 004); none when absent. */
  technicalOwner?: TechnicalOwner | null;
}

/**
 * Brings a token into existence inside a unit of work (creation and every successor): the tenant's
 * limit, a fresh secret of which only the hash is kept, the row and its TokenCreated event. Also the one
 * way a changed token reaches the verifiers' cache.
 */
@Injectable()
export class TokenIssuance {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly stateCache: TokenStateCache,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
    private readonly recovery: TokenRecoveryStore,
  ) {}

  async issue(tx: UnitOfWorkTx, owner: TokenOwner, fields: NewTokenFields, now: Date): Promise<CreatedToken> {
    const live = await this.tokens.lockTenantAndCountLive(tx, owner.tenantId, now);
    const limit = this.config.MAX_TOKENS_PER_TENANT;
    if (live >= limit) {
      throw new TokenError(
        TokenErrorCode.LimitReached,
        `Your tenant has ${live} live tokens, the most allowed (${limit}). Revoke unused tokens first.`,
        { limit },
      );
    }
    const secret = generateToken();
    const record = Object.assign(new Token(), {
      id: randomUUID(),
      tenantId: owner.tenantId,
      name: fields.name,
      description: fields.description,
      keyPrefix: secret.keyPrefix,
      tokenHash: secret.hash,
      createdBy: owner.userId,
      createdByEmail: owner.email,
      issuedBy: fields.performedBy ?? owner.userId,
      issuedByEmail: fields.performedBy === undefined ? owner.email : (fields.performedByEmail ?? null),
      ownerActive: fields.ownerActive ?? true,
      createdAt: now,
      expiresAt: fields.expiresAt,
      scopes: fields.scopes,
      rights: fields.rights ?? null,
      resources: fields.resources,
      purpose: fields.purpose,
      status: 'active',
      revokedAt: null,
      revokedBy: null,
      lastUsedAt: null,
      usageCount: 0,
      replacesTokenId: fields.replacesTokenId,
      replacedByTokenId: null,
      ...applyAutoRenewal(NO_AUTO_RENEWAL, fields.autoRenewal, now, this.config.RENEWAL_DAY_MS),
      ...technicalOwnerColumns(fields.technicalOwner ?? null),
    } satisfies Partial<Token>);
    await this.tokens.insert(tx, record);
    // Seed 003: a tenant with recoverable tokens on keeps every new token (successors too) encrypted.
    await this.recovery.keepIfRecoverable(tx, record.tenantId, record.id, secret.token, now);
    tx.emit(EventType.TokenCreated, {
      subject: record.id,
      tenantId: record.tenantId,
      time: now,
      data: {
        tokenId: record.id,
        name: record.name,
        keyPrefix: record.keyPrefix,
        createdBy: record.createdBy,
        createdAt: now.toISOString(),
        expiresAt: record.expiresAt?.toISOString() ?? null,
        scopes: record.scopes,
        resources: record.resources,
        purpose: record.purpose,
        rights: record.rights,
        createdByEmail: record.createdByEmail,
        autoRenewal: autoRenewalScheduleOf(record),
        performedBy: fields.performedBy ?? record.createdBy,
        technicalOwner: technicalOwnerOf(record),
      },
    });
    return { ...toTokenView(record, now), token: secret.token, warnings: nameWarnings(record.name) };
  }

  /**
   * Writes the token's new state to the verifiers' caches just before the unit of work commits; if a
   * replica cannot confirm it, nothing is committed (503). Redis being unreachable is the unit of work's
   * to handle (outage mode): a stricter state is in force on every verifier once the call returns.
   * Several tokens (a bulk revoke) go in one cache write and one invalidation.
   */
  propagateBeforeCommit(tx: UnitOfWorkTx, token: Token | readonly Token[]): void {
    tx.beforeCommit(async () => {
      try {
        await this.stateCache.publish(tx, token);
      } catch (error) {
        if (error instanceof CacheReplicationError) {
          throw new TokenError(
            TokenErrorCode.RevocationNotReplicated,
            'No Redis replica confirmed the change in time, so nothing was changed. Try again.',
          );
        }
        throw error;
      }
    });
  }
}
