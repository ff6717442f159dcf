import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import {
  ALL_SCOPES,
  type AutoRenewalSettings,
  createEvent,
  type EventDataByType,
  EventType,
  type InternalTokenState,
  type RenewalReason,
  rolePermissions,
  Topic,
} from '@latchkey/contracts';
import { generateToken } from '@latchkey/token-format';
import { type AdminPrincipal, canSeeAllTenantTokens } from '../auth/admin-principal';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { PRIORITY_DATA_SOURCE } from '../database/data-source';
import { appendToOutbox } from '../outbox/outbox';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { RenewalOffer } from '../renewals/renewal-offer.entity';
import { SigningSecretsService } from '../signing-secrets/signing-secrets.service';
import { TenantPolicyService } from '../tenants/tenant-policy.service';
import {
  type AutoRenewalColumns,
  applyAutoRenewal,
  assertCallbackUrlAllowed,
  autoRenewalScheduleOf,
  autoRenewalSettingsOf,
  NO_AUTO_RENEWAL,
  sameAutoRenewal,
} from './auto-renewal';
import type { AutoRenewalDto } from './dto/auto-renewal.dto';
import type { CreateTokenDto } from './dto/create-token.dto';
import type { ListTokensQuery } from './dto/list-tokens.query';
import type { RenewTokenDto } from './dto/renew-token.dto';
import type { RotationGrace } from './dto/rotate-token.dto';
import { IMMUTABLE_TOKEN_FIELDS, type UpdateTokenDto } from './dto/update-token.dto';
import { resolveExpiry } from './expiry';
import { Token, type TokenPurpose } from './token.entity';
import { TokenStateCache } from './token-state-cache';
import { tokenStatus, toInternalTokenState, toTokenView, type TokenView } from './token-view';
import { TokenError, TokenErrorCode } from './tokens.errors';

export const EVENT_SOURCE = 'latchkey/issuer';

const GRACE_MS: Record<RotationGrace, number> = {
  now: 0,
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 604_800_000,
};

export interface TokenPage {
  items: TokenView[];
  page: number;
  pageSize: number;
  total: number;
}

export interface CreatedToken extends TokenView {
  /** The plaintext token. Returned once, in the create response, and never again. */
  token: string;
}

/** A rotation or renewal: the new token (with its plaintext, once) and the old one with its new end. */
export interface ReplacedToken extends CreatedToken {
  replaced: TokenView;
}

/**
 * How a token is replaced by its successor (`replaceInTransaction`): the successor's name and
 * description, when the old token ends, why, and who did it (an admin's user id, or the service that
 * redeemed an auto-renewal).
 */
export interface ReplacementPlan {
  name: string;
  description: string | null;
  oldEndsAt: Date;
  reason: RenewalReason;
  actorId: string;
}

/** Who a new token belongs to: the admin creating it, or for a successor the old token's creator. */
interface TokenOwner {
  tenantId: string;
  userId: string;
  email: string | null;
}

interface NewTokenFields {
  name: string;
  description: string | null;
  expiresAt: Date | null;
  scopes: string[];
  resources: string[];
  purpose: TokenPurpose;
  replacesTokenId: string | null;
  autoRenewal: AutoRenewalSettings | null;
}

type TokenChanges = EventDataByType[EventType.TokenUpdated]['changes'];

const DAY_MS = 86_400_000;

@Injectable()
export class TokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    /** Revocations only: a small pool of their own, so no other traffic can make them wait. */
    @InjectDataSource(PRIORITY_DATA_SOURCE) private readonly priority: DataSource,
    private readonly stateCache: TokenStateCache,
    private readonly relay: OutboxRelay,
    private readonly policies: TenantPolicyService,
    private readonly signingSecrets: SigningSecretsService,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async create(principal: AdminPrincipal, request: CreateTokenDto): Promise<CreatedToken> {
    requireVerifiedEmail(principal);
    const now = new Date();
    const purpose = request.purpose ?? 'integration';
    const agentDefault =
      purpose === 'agent' && request.expiresIn === undefined && request.expiresAt === undefined
        ? new Date(now.getTime() + this.config.AGENT_TOKEN_DEFAULT_EXPIRY_DAYS * DAY_MS)
        : undefined;
    const fields: NewTokenFields = {
      name: request.name,
      description: request.description ?? null,
      expiresAt: agentDefault ?? resolveExpiry(request, now),
      scopes: this.grantableScopes(principal, request.scopes ?? [ALL_SCOPES]),
      resources: request.resources ?? [],
      purpose,
      replacesTokenId: null,
      autoRenewal: null,
    };
    // The plan and the tenant's policy (seed 004) decide whether this token may exist at all.
    await this.policies.assertMayIssue(principal.tenantId, fields.expiresAt, now);
    if (request.autoRenewal) {
      fields.autoRenewal = await this.acceptAutoRenewal(principal.tenantId, request.autoRenewal, now);
    }
    const created = await this.dataSource.transaction((manager) =>
      this.issue(manager, ownerOf(principal), fields, now),
    );
    this.relay.nudge();
    return created;
  }

  /** Scopes must exist in the catalog and be within what the creator may do: tokens never widen access. */
  private grantableScopes(principal: AdminPrincipal, scopes: string[]): string[] {
    const catalog = this.config.TOKEN_SCOPE_CATALOG;
    const unknown = scopes.filter((s) => s !== ALL_SCOPES && !catalog.includes(s));
    if (unknown.length > 0) {
      throw new TokenError(TokenErrorCode.UnknownScope, `Unknown scope(s): ${unknown.join(', ')}.`, {
        unknown,
        catalog,
      });
    }
    const allowed = rolePermissions(principal.role, catalog);
    const beyond = scopes.filter((s) => s !== ALL_SCOPES && !allowed.includes(s));
    if (beyond.length > 0) {
      throw new TokenError(
        TokenErrorCode.ScopeNotGranted,
        `A token can never do more than you can; your role does not include ${beyond.join(', ')}.`,
        { scopes: beyond },
      );
    }
    return scopes;
  }

  async list(principal: AdminPrincipal, query: ListTokensQuery): Promise<TokenPage> {
    const now = new Date();
    const builder = this.dataSource
      .getRepository(Token)
      .createQueryBuilder('token')
      .where(this.visibleTo(principal));
    if (query.name) {
      builder.andWhere(`token.name ILIKE :name ESCAPE '\\'`, { name: `%${escapeLike(query.name)}%` });
    }
    if (query.purpose) {
      builder.andWhere('token.purpose = :purpose', { purpose: query.purpose });
    }
    switch (query.status) {
      case undefined:
        break;
      case 'revoked':
        builder.andWhere(`token.status = 'revoked'`);
        break;
      case 'expired':
        builder.andWhere(`token.status = 'active' AND token.expiresAt <= :now`, { now });
        break;
      case 'active':
        builder.andWhere(`token.status = 'active' AND (token.expiresAt IS NULL OR token.expiresAt > :now)`, {
          now,
        });
        break;
    }
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const [tokens, total] = await builder
      .orderBy(query.sort === 'name' ? 'LOWER(token.name)' : 'token.createdAt', direction)
      .addOrderBy('token.id', 'ASC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return {
      items: tokens.map((t) => toTokenView(t, now)),
      page: query.page,
      pageSize: query.pageSize,
      total,
    };
  }

  async get(principal: AdminPrincipal, id: string): Promise<TokenView> {
    return toTokenView(await this.findVisible(principal, id));
  }

  /**
   * The token as the worker needs it (`GET /internal/v1/tokens/:id`), whatever its tenant: the internal
   * API is for Latchkey's own services only.
   */
  async internalState(id: string): Promise<InternalTokenState> {
    const token = await this.dataSource.getRepository(Token).findOneBy({ id });
    if (!token) throw new TokenError(TokenErrorCode.NotFound, `No token ${id}.`);
    return toInternalTokenState(token);
  }

  /**
   * Edits what may change after creation (seed 003): the description and auto-renewal with its mail
   * recipient. Everything else is fixed (seed 000). Only what actually changed is written and announced.
   */
  async update(principal: AdminPrincipal, id: string, request: UpdateTokenDto): Promise<TokenView> {
    const immutable = IMMUTABLE_TOKEN_FIELDS.filter((field) => request[field] !== undefined);
    if (immutable.length > 0) {
      throw new TokenError(
        TokenErrorCode.FieldImmutable,
        `${immutable.join(', ')} cannot be changed after creation. Revoke the token and create a new one.`,
        { fields: immutable },
      );
    }
    if (request.description === undefined && request.autoRenewal === undefined) {
      throw new TokenError(
        TokenErrorCode.NothingToUpdate,
        'Send at least one editable field: description, autoRenewal.',
      );
    }
    const now = new Date();
    let autoRenewal: AutoRenewalSettings | null | undefined;
    if (request.autoRenewal === null) {
      autoRenewal = null;
    } else if (request.autoRenewal !== undefined) {
      // A token that cannot get auto-renewal is refused before its callback URL is resolved.
      assertMayAutoRenew(await this.findVisible(principal, id), now);
      autoRenewal = await this.acceptAutoRenewal(principal.tenantId, request.autoRenewal, now);
    }
    const { token, changed } = await this.dataSource.transaction(async (manager) => {
      const record = await this.lockVisible(manager, principal, id);
      const changes: TokenChanges = {};
      const set: Partial<Pick<Token, 'description' | keyof AutoRenewalColumns>> = {};
      if (request.description !== undefined && request.description !== record.description) {
        set.description = request.description;
        changes.description = request.description;
      }
      if (autoRenewal !== undefined) {
        if (autoRenewal !== null) assertMayAutoRenew(record, now);
        const next = applyAutoRenewal(record, autoRenewal, now, this.config.RENEWAL_DAY_MS);
        if (!sameAutoRenewal(record, next)) {
          Object.assign(set, next);
          changes.autoRenewal = autoRenewalScheduleOf(next);
          // Switched off: a renewal key already handed out must not renew the token any more.
          if (autoRenewal === null) await cancelPendingOffers(manager, id, now);
        }
      }
      if (Object.keys(set).length === 0) return { token: record, changed: false };
      Object.assign(record, set);
      await manager.update(Token, { id }, set);
      await appendToOutbox(
        manager,
        Topic.TokenLifecycle,
        createEvent(EventType.TokenUpdated, {
          source: EVENT_SOURCE,
          subject: id,
          tenantId: record.tenantId,
          time: now,
          data: { tokenId: id, updatedBy: principal.userId, changes },
        }),
      );
      return { token: record, changed: true };
    });
    if (changed) this.relay.nudge();
    return toTokenView(token, now);
  }

  /**
   * Checks auto-renewal settings before they are saved: the callback URL must pass the SSRF guard
   * (400 CALLBACK_URL_REFUSED) and the tenant must have a signing secret to sign callbacks with
   * (409 SIGNING_SECRET_REQUIRED).
   */
  private async acceptAutoRenewal(
    tenantId: string,
    request: AutoRenewalDto,
    now: Date,
  ): Promise<AutoRenewalSettings> {
    const settings: AutoRenewalSettings = {
      everyDays: request.everyDays,
      callbackUrl: request.callbackUrl,
      mailRecipient: request.mailRecipient ?? null,
    };
    await assertCallbackUrlAllowed(settings.callbackUrl, { allowList: this.config.CALLBACK_ALLOW_LIST });
    if (!(await this.signingSecrets.hasSigningSecret(tenantId, now))) {
      throw new TokenError(
        TokenErrorCode.SigningSecretRequired,
        'Auto-renewal callbacks are signed with your tenant’s signing secret, and it has none yet. ' +
          'Create one at POST /v1/tenant/signing-secrets, then try again.',
      );
    }
    return settings;
  }

  /**
   * Irreversible. The verifiers' cache learns of the revocation before the transaction commits, so the
   * very next verification anywhere answers REVOKED once this returns. Pending renewals are cancelled in
   * the same transaction: a renewal key handed out earlier stops working at the same moment.
   */
  async revoke(principal: AdminPrincipal, id: string): Promise<TokenView> {
    const now = new Date();
    const token = await this.priority.transaction(async (manager) => {
      const record = await this.lockVisible(manager, principal, id);
      if (record.status === 'revoked') {
        throw new TokenError(
          TokenErrorCode.AlreadyRevoked,
          'This token is already revoked. Revocation cannot be undone.',
        );
      }
      record.status = 'revoked';
      record.revokedAt = now;
      record.revokedBy = principal.userId;
      record.renewalNextAt = null;
      await manager.update(
        Token,
        { id },
        { status: 'revoked', revokedAt: now, revokedBy: principal.userId, renewalNextAt: null },
      );
      await cancelPendingOffers(manager, id, now);
      await appendToOutbox(
        manager,
        Topic.TokenLifecycle,
        createEvent(EventType.TokenRevoked, {
          source: EVENT_SOURCE,
          subject: id,
          tenantId: record.tenantId,
          time: now,
          data: { tokenId: id, revokedBy: principal.userId, revokedAt: now.toISOString() },
        }),
      );
      await this.propagate(record);
      return record;
    });
    this.relay.nudge();
    return toTokenView(token, now);
  }

  /**
   * A new secret with the same settings and a new id (seed 004). The old secret keeps working for the
   * grace period, never past its own expiry, so integrations can switch over without an outage.
   */
  rotate(principal: AdminPrincipal, id: string, grace: RotationGrace): Promise<ReplacedToken> {
    return this.replace(principal, id, 'rotation', (old, now) => ({
      name: old.name,
      description: old.description,
      oldEndsAt: earliest(old.expiresAt, new Date(now.getTime() + GRACE_MS[grace])),
    }));
  }

  /** A new token with the given name; the old one ends at the time the admin chose (seed 003). */
  renew(principal: AdminPrincipal, id: string, request: RenewTokenDto): Promise<ReplacedToken> {
    return this.replace(principal, id, 'manual', (old, now) => {
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

  /** An admin's rotation or renewal of a live token they can see, in one transaction. */
  private async replace(
    principal: AdminPrincipal,
    id: string,
    reason: Extract<RenewalReason, 'manual' | 'rotation'>,
    plan: (old: Token, now: Date) => { name: string; description: string | null; oldEndsAt: Date },
  ): Promise<ReplacedToken> {
    requireVerifiedEmail(principal);
    const now = new Date();
    const result = await this.dataSource.transaction(async (manager) => {
      const old = await this.lockVisible(manager, principal, id);
      assertReplaceable(old, now);
      const replaced = await this.replaceInTransaction(
        manager,
        old,
        { ...plan(old, now), reason, actorId: principal.userId },
        now,
      );
      // The successor carries the auto-renewal on: a renewal key still open for the old token must not
      // issue a second successor.
      await cancelPendingOffers(manager, old.id, now);
      return replaced;
    });
    this.relay.nudge();
    return result;
  }

  /**
   * Issues the successor of a live token in the caller's transaction; the caller has locked `old`
   * (SELECT … FOR UPDATE) and nudges the outbox relay after commit. A token has at most one successor:
   * one already replaced, revoked or expired is refused (409), and since concurrent replacements queue on
   * the row lock, only the first of them finds the token replaceable. Every read goes through `manager`:
   * a second connection taken while this transaction holds its locks could deadlock the pool.
   *
   * The successor belongs to the old token's creator (same tenant, scopes, resources and purpose) and
   * keeps the old one's lifetime from `now` (a token that never expired still never does); today's plan
   * and policy apply to it as on creation. It takes over the auto-renewal settings, with its first
   * renewal due `everyDays` from now. The old token gets its new end and points to its successor; the
   * verifiers' cache learns that end before commit, so it holds at once everywhere. TokenCreated and
   * TokenRenewed (with `plan.reason`) go to the outbox.
   */
  async replaceInTransaction(
    manager: EntityManager,
    old: Token,
    plan: ReplacementPlan,
    now: Date,
  ): Promise<ReplacedToken> {
    assertReplaceable(old, now);
    const lifetime = old.expiresAt === null ? null : old.expiresAt.getTime() - old.createdAt.getTime();
    const expiresAt = lifetime === null ? null : new Date(now.getTime() + lifetime);
    // A successor is a new token: today's plan and policy apply to it, as on creation.
    await this.policies.assertMayIssue(old.tenantId, expiresAt, now, manager);
    const created = await this.issue(
      manager,
      { tenantId: old.tenantId, userId: old.createdBy, email: old.createdByEmail },
      {
        name: plan.name,
        description: plan.description,
        expiresAt,
        scopes: old.scopes,
        resources: old.resources,
        purpose: old.purpose,
        replacesTokenId: old.id,
        autoRenewal: autoRenewalSettingsOf(old),
      },
      now,
    );
    old.expiresAt = plan.oldEndsAt;
    old.replacedByTokenId = created.id;
    old.renewalNextAt = null;
    await manager.update(
      Token,
      { id: old.id },
      { expiresAt: plan.oldEndsAt, replacedByTokenId: created.id, renewalNextAt: null },
    );
    await appendToOutbox(
      manager,
      Topic.TokenLifecycle,
      createEvent(EventType.TokenRenewed, {
        source: EVENT_SOURCE,
        subject: old.id,
        tenantId: old.tenantId,
        time: now,
        data: {
          oldTokenId: old.id,
          newTokenId: created.id,
          oldTokenEndsAt: plan.oldEndsAt.toISOString(),
          renewedBy: plan.actorId,
          reason: plan.reason,
        },
      }),
    );
    await this.propagate(old);
    return { ...created, replaced: toTokenView(old, now) };
  }

  /** Inserts a fresh token and its TokenCreated event in the caller's transaction. */
  private async issue(
    manager: EntityManager,
    owner: TokenOwner,
    fields: NewTokenFields,
    now: Date,
  ): Promise<CreatedToken> {
    await this.assertBelowLimit(manager, owner.tenantId, now);
    const secret = generateToken();
    const record = manager.create(Token, {
      id: randomUUID(),
      tenantId: owner.tenantId,
      name: fields.name,
      description: fields.description,
      keyPrefix: secret.keyPrefix,
      tokenHash: secret.hash,
      createdBy: owner.userId,
      createdByEmail: owner.email,
      createdAt: now,
      expiresAt: fields.expiresAt,
      scopes: fields.scopes,
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
    });
    // A copy: insert() writes the database defaults it reads back (raw) into the object it is given.
    await manager.insert(Token, { ...record });
    await appendToOutbox(
      manager,
      Topic.TokenLifecycle,
      createEvent(EventType.TokenCreated, {
        source: EVENT_SOURCE,
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
          createdByEmail: record.createdByEmail,
          autoRenewal: autoRenewalScheduleOf(record),
        },
      }),
    );
    return { ...toTokenView(record, now), token: secret.token };
  }

  /**
   * Caps live tokens per tenant (MAX_TOKENS_PER_TENANT). A transaction-scoped lock per tenant makes the
   * count and the insert one step, so concurrent creations cannot overshoot.
   */
  private async assertBelowLimit(manager: EntityManager, tenantId: string, now: Date): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tokens:${tenantId}`]);
    const [{ live }] = await manager.query<[{ live: number }]>(
      `SELECT count(*)::int AS live FROM tokens
        WHERE tenant_id = $1 AND status = 'active' AND (expires_at IS NULL OR expires_at > $2)`,
      [tenantId, now],
    );
    const limit = this.config.MAX_TOKENS_PER_TENANT;
    if (live >= limit) {
      throw new TokenError(
        TokenErrorCode.LimitReached,
        `Your tenant has ${live} live tokens, the most allowed (${limit}). Revoke unused tokens first.`,
        { limit },
      );
    }
  }

  private async findVisible(principal: AdminPrincipal, id: string): Promise<Token> {
    const token = await this.dataSource.getRepository(Token).findOneBy({ ...this.visibleTo(principal), id });
    if (!token) throw notFound(id);
    return token;
  }

  private async lockVisible(manager: EntityManager, principal: AdminPrincipal, id: string): Promise<Token> {
    const record = await manager.findOne(Token, {
      where: { ...this.visibleTo(principal), id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!record) throw notFound(id);
    return record;
  }

  /** Writes the token's new state to the verifiers' cache; failing that, the transaction is undone. */
  private async propagate(token: Token): Promise<void> {
    try {
      await this.stateCache.publish(token);
    } catch {
      throw new TokenError(
        TokenErrorCode.RevocationUnavailable,
        'The change could not be propagated to the verifiers, so nothing was changed. Try again.',
      );
    }
  }

  /** Tenants never see each other; members see only their own tokens. */
  private visibleTo(principal: AdminPrincipal): FindOptionsWhere<Token> {
    return canSeeAllTenantTokens(principal)
      ? { tenantId: principal.tenantId }
      : { tenantId: principal.tenantId, createdBy: principal.userId };
  }
}

function ownerOf(principal: AdminPrincipal): TokenOwner {
  return { tenantId: principal.tenantId, userId: principal.userId, email: principal.email };
}

/**
 * Only a live token that has not been replaced yet gets a successor: rotating or renewing a token twice
 * would leave two live tokens (each renewing itself) where there was one.
 */
function assertReplaceable(token: Token, now: Date): void {
  const status = tokenStatus(token, now);
  if (status !== 'active') {
    throw new TokenError(
      status === 'revoked' ? TokenErrorCode.Revoked : TokenErrorCode.Expired,
      `This token is ${status} and cannot be renewed or rotated. Create a new token instead.`,
    );
  }
  if (token.replacedByTokenId !== null) {
    throw new TokenError(
      TokenErrorCode.Replaced,
      `This token has already been replaced by ${token.replacedByTokenId}; renew or rotate that token instead.`,
      { replacedByTokenId: token.replacedByTokenId },
    );
  }
}

/** Auto-renewal can be set only on a live token that has not been replaced yet (409 otherwise). */
function assertMayAutoRenew(token: Token, now: Date): void {
  const status = tokenStatus(token, now);
  if (status !== 'active') {
    throw new TokenError(
      status === 'revoked' ? TokenErrorCode.Revoked : TokenErrorCode.Expired,
      `This token is ${status}; it cannot be renewed automatically. Create a new token instead.`,
    );
  }
  if (token.replacedByTokenId !== null) {
    throw new TokenError(
      TokenErrorCode.Replaced,
      `This token has been replaced by ${token.replacedByTokenId}; set auto-renewal on that token instead.`,
      { replacedByTokenId: token.replacedByTokenId },
    );
  }
}

/** Closes the token's open renewal offers: their redeem keys stop working when this commits. */
async function cancelPendingOffers(manager: EntityManager, tokenId: string, now: Date): Promise<void> {
  await manager.update(RenewalOffer, { tokenId, status: 'pending' }, { status: 'cancelled', closedAt: now });
}

function earliest(expiry: Date | null, end: Date): Date {
  return expiry !== null && expiry.getTime() < end.getTime() ? expiry : end;
}

/** Makes a user-typed filter match literally in LIKE (no wildcards of its own). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Issuing a token needs a verified email address (seed 002). */
function requireVerifiedEmail(principal: AdminPrincipal): void {
  if (!principal.emailVerified) {
    throw new TokenError(
      TokenErrorCode.EmailNotVerified,
      'Verify your email address before creating tokens.',
    );
  }
}

function notFound(id: string): TokenError {
  return new TokenError(TokenErrorCode.NotFound, `No token ${id} in your tenant.`);
}
