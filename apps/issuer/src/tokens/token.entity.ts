import { Check, Column, Entity, Index, PrimaryColumn, VirtualColumn } from 'typeorm';
import type { TokenRights } from '@latchkey/contracts';

/** Postgres bigint arrives as a string; usage counts stay far below 2^53. */
const bigintAsNumber = { to: (value: number) => value, from: (value: string | null) => Number(value ?? 0) };

export type StoredTokenStatus = 'active' | 'revoked';

export const TOKEN_PURPOSES = ['integration', 'agent'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/**
 * SQL for "the token's owner is an active member of its tenant", for the token aliased `alias`; the
 * verifiers judge the same way (no member row, or a removed one: OWNER_INACTIVE).
 */
export function ownerActiveSql(alias: string): string {
  return `SELECT EXISTS (SELECT 1 FROM "members" "owner" WHERE "owner"."tenant_id" = ${alias}."tenant_id" AND "owner"."user_id" = ${alias}."created_by" AND "owner"."status" = 'active')`;
}

/** A token record. The issuer owns this table; verifiers read it, never write it. */
@Entity({ name: 'tokens' })
@Check('tokens_status_check', `"status" IN ('active', 'revoked')`)
@Check('tokens_purpose_check', `"purpose" IN ('integration', 'agent')`)
// Auto-renewal is on exactly when every_days is set, and then reaches a callback URL, a mail recipient or
// both (migration CallbackOptional).
@Check(
  'tokens_renewal_check',
  `CASE WHEN "renewal_every_days" IS NULL THEN "renewal_callback_url" IS NULL AND "renewal_mail_recipient" IS NULL ELSE "renewal_callback_url" IS NOT NULL OR "renewal_mail_recipient" IS NOT NULL END`,
)
@Check('tokens_revocation_check', `("status" = 'revoked') = ("revoked_at" IS NOT NULL)`)
@Check('tokens_rights_check', `"rights" IN ('read', 'read_write')`)
@Check(
  'tokens_technical_owner_check',
  `"technical_owner_name" IS NULL OR "technical_owner_email" IS NOT NULL`,
)
@Index('tokens_tenant_created_idx', ['tenantId', 'createdAt'])
@Index('tokens_tenant_status_idx', ['tenantId', 'status'])
// The stale-token list and offboarding (migration 1763900002100; last use NULLS FIRST, as it sorts).
@Index('tokens_tenant_last_used_idx', ['tenantId', 'lastUsedAt'])
@Index('tokens_tenant_creator_idx', ['tenantId', 'createdBy'])
// At most one successor per token (rotation, renewal, auto-renewal).
@Index('tokens_one_successor_key', ['replacesTokenId'], {
  unique: true,
  where: '"replaces_token_id" IS NOT NULL',
})
export class Token {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('varchar', { length: 128 })
  name!: string;

  @Column('varchar', { length: 1024, nullable: true })
  description!: string | null;

  /** First 8 characters of the token: identifies it without exposing the secret. */
  @Column('varchar', { name: 'key_prefix', length: 8 })
  keyPrefix!: string;

  /** Hex SHA-256 of the token. The plaintext is never stored. */
  @Index('tokens_token_hash_key', { unique: true })
  @Column('char', { name: 'token_hash', length: 64 })
  tokenHash!: string;

  @Column('text', { name: 'created_by' })
  createdBy!: string;

  /** The creator's email when the token was issued. */
  @Column('text', { name: 'created_by_email', nullable: true })
  createdByEmail!: string | null;

  /**
   * Who issued this very token: the owner for a token they created, whoever rotated or renewed it for a
   * successor (today its owner), the auto-renewal service (`system:auto-renewal`) for an auto-renewed one.
   * `createdBy` stays the owner the token acts for.
   */
  @Column('text', { name: 'issued_by' })
  issuedBy!: string;

  /** The issuer's email at the time; null for a service. */
  @Column('text', { name: 'issued_by_email', nullable: true })
  issuedByEmail!: string | null;

  /**
   * Whether the owner (`createdBy`) is an active member of the tenant now, read with the row by a
   * subquery on the members' primary key (never one query per token). Not a column: a removed owner's
   * tokens are refused by the verifiers (OWNER_INACTIVE), and the admin API shows them as such. Absent on
   * rows built in memory before they are read back.
   */
  @VirtualColumn({ type: 'boolean', query: ownerActiveSql })
  ownerActive?: boolean;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @Column('varchar', { length: 16 })
  status!: StoredTokenStatus;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column('text', { name: 'revoked_by', nullable: true })
  revokedBy!: string | null;

  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;

  @Column('bigint', { name: 'usage_count', default: 0, transformer: bigintAsNumber })
  usageCount!: number;

  /** `*` (everything the owner can do) or catalog scopes such as `projects:read`. */
  @Column('text', { array: true, default: () => "'{*}'" })
  scopes!: string[];

  /** Resource ids the token is restricted to; empty means no restriction. */
  @Column('text', { array: true, default: () => "'{}'" })
  resources!: string[];

  /** The rights preset the scopes came from (seed 003); null for custom scopes (and older tokens). */
  @Column('varchar', { length: 16, nullable: true })
  rights!: TokenRights | null;

  @Column('varchar', { length: 16, default: 'integration' })
  purpose!: TokenPurpose;

  /** The token this one replaced by rotation or renewal, if any. */
  @Column('uuid', { name: 'replaces_token_id', nullable: true })
  replacesTokenId!: string | null;

  /** The successor that replaced this token (rotation, renewal or auto-renewal), if any. */
  @Column('uuid', { name: 'replaced_by_token_id', nullable: true })
  replacedByTokenId!: string | null;

  /** Auto-renewal (seed 003): renew every this many days; null when off. Set together with the callback URL. */
  @Column('integer', { name: 'renewal_every_days', nullable: true })
  renewalEveryDays!: number | null;

  @Column('text', { name: 'renewal_callback_url', nullable: true })
  renewalCallbackUrl!: string | null;

  /** Who is told by mail that the token was renewed (or that its callback keeps failing). */
  @Column('text', { name: 'renewal_mail_recipient', nullable: true })
  renewalMailRecipient!: string | null;

  /** When the next renewal offer is due; null when auto-renewal is off or the token was renewed. */
  @Column('timestamptz', { name: 'renewal_next_at', nullable: true })
  renewalNextAt!: Date | null;

  /**
   * The technical owner (seed 004): the person or team using the token, told by mail when it is rotated
   * or revoked. Optional; a name only beside an address. Absent on rows built before it existed.
   */
  @Column('varchar', { name: 'technical_owner_email', length: 254, nullable: true })
  technicalOwnerEmail?: string | null;

  @Column('varchar', { name: 'technical_owner_name', length: 128, nullable: true })
  technicalOwnerName?: string | null;

  /**
   * When its owners were last warned that the tenant's idle policy will revoke it; a warning older than
   * the last use no longer counts. Absent on rows built before it existed.
   */
  @Column('timestamptz', { name: 'idle_warned_at', nullable: true })
  idleWarnedAt?: Date | null;
}
