import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { generateSigningSecret } from '@latchkey/callback-signing';
import type { AdminPrincipal } from '../auth/admin-principal';
import { requireRole } from '../auth/roles';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { openSigningSecret, sealSigningSecret } from './signing-secret-cipher';
import { SigningSecret } from './signing-secret.entity';

/** How many leading characters of a secret are kept in clear to tell secrets apart (`lksig_` + 6). */
export const SECRET_PREFIX_LENGTH = 12;

/** What `GET /v1/tenant/signing-secrets` shows of a secret: never the secret itself. */
export interface SigningSecretView {
  id: string;
  secretPrefix: string;
  createdAt: string;
  /** Null for the current secret; for a rotated one, when it stops signing. */
  retiresAt: string | null;
}

/** The answer to creating (or rotating) a secret: the plaintext, once. */
export interface CreatedSigningSecret {
  id: string;
  /** The plaintext secret: in this response only, never again. */
  secret: string;
  secretPrefix: string;
  createdAt: string;
  /** The secret this one replaced, which keeps signing beside it until `retiresAt`; null for the first. */
  previous: { id: string; retiresAt: string } | null;
}

/**
 * The tenants' callback signing secrets (seed 003): renewal callbacks carry an HMAC made with them. The
 * newest secret signs; a rotated one keeps signing beside it for SIGNING_SECRET_ROTATION_GRACE_MS, so
 * receivers can switch without missing a callback. Secrets are stored encrypted; the plaintext leaves
 * the issuer once, in the create response, and otherwise only as an HMAC.
 */
@Injectable()
export class SigningSecretsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  /** Creates the tenant's first secret, or rotates: the current one retires after the grace period. */
  async create(principal: AdminPrincipal): Promise<CreatedSigningSecret> {
    requireRole(principal, ['owner', 'admin'], 'manage the callback signing secrets');
    const tenantId = principal.tenantId;
    const id = randomUUID();
    const secret = generateSigningSecret();
    const secretPrefix = secret.slice(0, SECRET_PREFIX_LENGTH);
    const ciphertext = sealSigningSecret(this.config.SIGNING_SECRET_ENCRYPTION_KEY, id, secret);
    return this.dataSource.transaction(async (manager) => {
      // One rotation at a time per tenant: two concurrent ones would both retire the same secret.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`signing-secrets:${tenantId}`]);
      const now = new Date();
      const current = await manager.find(SigningSecret, {
        where: { tenantId, retiresAt: IsNull() },
        order: { createdAt: 'DESC', id: 'ASC' },
      });
      const retiresAt = new Date(now.getTime() + this.config.SIGNING_SECRET_ROTATION_GRACE_MS);
      if (current.length > 0) {
        await manager.update(SigningSecret, { id: In(current.map((row) => row.id)) }, { retiresAt });
      }
      await manager.insert(SigningSecret, {
        id,
        tenantId,
        secretPrefix,
        ciphertext,
        createdBy: principal.userId,
        createdAt: now,
        retiresAt: null,
      });
      return {
        id,
        secret,
        secretPrefix,
        createdAt: now.toISOString(),
        previous: current.length > 0 ? { id: current[0].id, retiresAt: retiresAt.toISOString() } : null,
      };
    });
  }

  /** The secrets that sign now (the current one and rotated ones not yet retired), newest first. */
  async list(principal: AdminPrincipal): Promise<{ items: SigningSecretView[] }> {
    requireRole(principal, ['owner', 'admin'], 'see the callback signing secrets');
    const rows = await this.active(this.dataSource.manager, principal.tenantId, new Date());
    return { items: rows.map(toSigningSecretView) };
  }

  /**
   * The plaintext secrets that may sign a callback at `now`, newest first; empty when the tenant has
   * none. For signing only: never log or return them. Throws SigningSecretUnreadableError when a stored
   * secret does not decrypt under the configured key. Inside a transaction, pass its `manager`.
   */
  async signingKeys(
    tenantId: string,
    now: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string[]> {
    const rows = await this.active(manager, tenantId, now);
    return rows.map((row) =>
      openSigningSecret(this.config.SIGNING_SECRET_ENCRYPTION_KEY, row.id, row.ciphertext),
    );
  }

  /** Whether the tenant has a secret that may sign at `now` (auto-renewal needs one). */
  hasSigningSecret(tenantId: string, now: Date): Promise<boolean> {
    return this.activeQuery(this.dataSource.manager, tenantId, now).getExists();
  }

  private active(manager: EntityManager, tenantId: string, now: Date): Promise<SigningSecret[]> {
    return (
      this.activeQuery(manager, tenantId, now)
        // The current secret first, then the most recently rotated ones.
        .orderBy('secret.retiresAt IS NULL', 'DESC')
        .addOrderBy('secret.createdAt', 'DESC')
        .addOrderBy('secret.id', 'ASC')
        .getMany()
    );
  }

  private activeQuery(manager: EntityManager, tenantId: string, now: Date) {
    return manager
      .getRepository(SigningSecret)
      .createQueryBuilder('secret')
      .where('secret.tenantId = :tenantId', { tenantId })
      .andWhere('(secret.retiresAt IS NULL OR secret.retiresAt > :now)', { now });
  }
}

export function toSigningSecretView(row: SigningSecret): SigningSecretView {
  return {
    id: row.id,
    secretPrefix: row.secretPrefix,
    createdAt: row.createdAt.toISOString(),
    retiresAt: row.retiresAt?.toISOString() ?? null,
  };
}
