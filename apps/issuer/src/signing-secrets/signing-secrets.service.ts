import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { generateSigningSecret } from '@latchkey/callback-signing';
import type { AdminPrincipal } from '../auth/admin-principal';
import { requireRole } from '../auth/roles';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import type { Tx } from '../database/transaction';
import {
  openSigningSecret,
  sealSigningSecret,
  type SigningSecretKeyring,
  signingSecretKeyring,
} from './signing-secret-cipher';
import type { SigningSecret } from './signing-secret.entity';
import { SigningSecretsRepository } from './signing-secrets.repository';

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
  private readonly keyring: SigningSecretKeyring;

  constructor(
    private readonly secrets: SigningSecretsRepository,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {
    this.keyring = signingSecretKeyring(
      config.SIGNING_SECRET_ENCRYPTION_KEY_ID,
      config.SIGNING_SECRET_ENCRYPTION_KEY,
      config.SIGNING_SECRET_PREVIOUS_ENCRYPTION_KEYS,
    );
  }

  /** Creates the tenant's first secret, or rotates: the current one retires after the grace period. */
  async create(principal: AdminPrincipal): Promise<CreatedSigningSecret> {
    requireRole(principal, ['owner', 'admin'], 'manage the callback signing secrets');
    const tenantId = principal.tenantId;
    const id = randomUUID();
    const secret = generateSigningSecret();
    const secretPrefix = secret.slice(0, SECRET_PREFIX_LENGTH);
    const ciphertext = sealSigningSecret(this.keyring, id, secret);
    // One rotation at a time per tenant: two concurrent ones would both retire the same secret.
    return this.secrets.withRotationLock(tenantId, async (tx) => {
      const now = new Date();
      const current = await this.secrets.current(tx, tenantId);
      const retiresAt = new Date(now.getTime() + this.config.SIGNING_SECRET_ROTATION_GRACE_MS);
      await this.secrets.retire(
        tx,
        current.map((row) => row.id),
        retiresAt,
      );
      await this.secrets.insert(tx, {
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
    const rows = await this.secrets.active(principal.tenantId, new Date());
    return { items: rows.map(toSigningSecretView) };
  }

  /**
   * The plaintext secrets that may sign a callback at `now`, newest first; empty when the tenant has
   * none. For signing only: never log or return them. Throws SigningSecretUnreadableError when a stored
   * secret does not decrypt under the configured key. Inside a transaction, pass it.
   */
  async signingKeys(tenantId: string, now: Date, tx?: Tx): Promise<string[]> {
    const rows = await this.secrets.active(tenantId, now, tx);
    return rows.map((row) => openSigningSecret(this.keyring, row.id, row.ciphertext));
  }

  /** Whether the tenant has a secret that may sign at `now` (auto-renewal needs one). */
  hasSigningSecret(tenantId: string, now: Date): Promise<boolean> {
    return this.secrets.hasActive(tenantId, now);
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
