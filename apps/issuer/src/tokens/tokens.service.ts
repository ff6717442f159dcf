import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { ALL_SCOPES, createEvent, EventType, rolePermissions, Topic } from '@latchkey/contracts';
import { generateToken } from '@latchkey/token-format';
import { type AdminPrincipal, canSeeAllTenantTokens } from '../auth/admin-principal';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { appendToOutbox } from '../outbox/outbox';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { TenantPolicyService } from '../tenants/tenant-policy.service';
import type { CreateTokenDto } from './dto/create-token.dto';
import type { ListTokensQuery } from './dto/list-tokens.query';
import type { RenewTokenDto } from './dto/renew-token.dto';
import type { RotationGrace } from './dto/rotate-token.dto';
import { IMMUTABLE_TOKEN_FIELDS, type UpdateTokenDto } from './dto/update-token.dto';
import { resolveExpiry } from './expiry';
import { Token, type TokenPurpose } from './token.entity';
import { TokenStateCache } from './token-state-cache';
import { tokenStatus, toTokenView, type TokenView } from './token-view';
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

interface NewTokenFields {
  name: string;
  description: string | null;
  expiresAt: Date | null;
  scopes: string[];
  resources: string[];
  purpose: TokenPurpose;
  replacesTokenId: string | null;
}

const DAY_MS = 86_400_000;

@Injectable()
export class TokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stateCache: TokenStateCache,
    private readonly relay: OutboxRelay,
    private readonly policies: TenantPolicyService,
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
    };
    // The plan and the tenant's policy (seed 004) decide whether this token may exist at all.
    await this.policies.assertMayIssue(principal.tenantId, fields.expiresAt, now);
    const created = await this.dataSource.transaction((manager) =>
      this.issue(manager, principal, fields, now),
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
    const token = await this.dataSource.getRepository(Token).findOneBy({ ...this.visibleTo(principal), id });
    if (!token) throw notFound(id);
    return toTokenView(token);
  }

  /** Edits what may change after creation: the description (seed 003). Everything else is fixed (seed 000). */
  async update(principal: AdminPrincipal, id: string, request: UpdateTokenDto): Promise<TokenView> {
    const immutable = IMMUTABLE_TOKEN_FIELDS.filter((field) => request[field] !== undefined);
    if (immutable.length > 0) {
      throw new TokenError(
        TokenErrorCode.FieldImmutable,
        `${immutable.join(', ')} cannot be changed after creation. Revoke the token and create a new one.`,
        { fields: immutable },
      );
    }
    if (request.description === undefined) {
      throw new TokenError(TokenErrorCode.NothingToUpdate, 'Send at least one editable field: description.');
    }
    const now = new Date();
    const description = request.description;
    const token = await this.dataSource.transaction(async (manager) => {
      const record = await this.lockVisible(manager, principal, id);
      record.description = description;
      await manager.update(Token, { id }, { description });
      await appendToOutbox(
        manager,
        Topic.TokenLifecycle,
        createEvent(EventType.TokenUpdated, {
          source: EVENT_SOURCE,
          subject: id,
          tenantId: record.tenantId,
          time: now,
          data: { tokenId: id, updatedBy: principal.userId, changes: { description } },
        }),
      );
      return record;
    });
    this.relay.nudge();
    return toTokenView(token, now);
  }

  /**
   * Irreversible. The verifiers' cache learns of the revocation before the transaction commits, so the
   * very next verification anywhere answers REVOKED once this returns.
   */
  async revoke(principal: AdminPrincipal, id: string): Promise<TokenView> {
    const now = new Date();
    const token = await this.dataSource.transaction(async (manager) => {
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
      await manager.update(Token, { id }, { status: 'revoked', revokedAt: now, revokedBy: principal.userId });
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
    return this.replace(principal, id, (old, now) => ({
      name: old.name,
      description: old.description,
      oldEndsAt: earliest(old.expiresAt, new Date(now.getTime() + GRACE_MS[grace])),
    }));
  }

  /** A new token with the given name; the old one ends at the time the admin chose (seed 003). */
  renew(principal: AdminPrincipal, id: string, request: RenewTokenDto): Promise<ReplacedToken> {
    return this.replace(principal, id, (old, now) => {
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
   * Issues the successor of a live token in one transaction: the new token keeps the old one's
   * lifetime (a token that never expired still never does), the old one gets its new end, and the
   * verifiers' cache learns that end before commit, so it holds at once everywhere.
   */
  private async replace(
    principal: AdminPrincipal,
    id: string,
    plan: (old: Token, now: Date) => { name: string; description: string | null; oldEndsAt: Date },
  ): Promise<ReplacedToken> {
    requireVerifiedEmail(principal);
    const now = new Date();
    const result = await this.dataSource.transaction(async (manager) => {
      const old = await this.lockVisible(manager, principal, id);
      const status = tokenStatus(old, now);
      if (status !== 'active') {
        throw new TokenError(
          status === 'revoked' ? TokenErrorCode.Revoked : TokenErrorCode.Expired,
          `This token is ${status} and cannot be renewed or rotated. Create a new token instead.`,
        );
      }
      const { name, description, oldEndsAt } = plan(old, now);
      const lifetime = old.expiresAt === null ? null : old.expiresAt.getTime() - old.createdAt.getTime();
      const expiresAt = lifetime === null ? null : new Date(now.getTime() + lifetime);
      // A successor is a new token: today's plan and policy apply to it, as on creation.
      await this.policies.assertMayIssue(principal.tenantId, expiresAt, now);
      const created = await this.issue(
        manager,
        principal,
        {
          name,
          description,
          expiresAt,
          scopes: old.scopes,
          resources: old.resources,
          purpose: old.purpose,
          replacesTokenId: old.id,
        },
        now,
      );
      old.expiresAt = oldEndsAt;
      await manager.update(Token, { id: old.id }, { expiresAt: oldEndsAt });
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
            oldTokenEndsAt: oldEndsAt.toISOString(),
            renewedBy: principal.userId,
          },
        }),
      );
      await this.propagate(old);
      return { ...created, replaced: toTokenView(old, now) };
    });
    this.relay.nudge();
    return result;
  }

  /** Inserts a fresh token and its TokenCreated event in the caller's transaction. */
  private async issue(
    manager: EntityManager,
    principal: AdminPrincipal,
    fields: NewTokenFields,
    now: Date,
  ): Promise<CreatedToken> {
    await this.assertBelowLimit(manager, principal.tenantId, now);
    const secret = generateToken();
    const record = manager.create(Token, {
      id: randomUUID(),
      tenantId: principal.tenantId,
      name: fields.name,
      description: fields.description,
      keyPrefix: secret.keyPrefix,
      tokenHash: secret.hash,
      createdBy: principal.userId,
      createdByEmail: principal.email,
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
