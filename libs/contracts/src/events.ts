import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isoInstant } from './instant';
import { autoRenewalSchedule, RENEWAL_REASONS } from './renewals';

/**
 * One envelope for every event. In memory (and in the issuer's outbox) it keeps the field names the
 * services have always used (`tenantId`, `dataVersion`); on the wire it is a CloudEvents 1.0 event in
 * structured mode, whose extension attributes are `tenantid`, `dataversion` and, when the change was
 * traced, `traceparent`/`tracestate` (event-wire.ts). Payloads evolve additively; `dataVersion` says
 * which shape `data` has.
 */
export const EVENT_SPEC_VERSION = '1.0';

export enum EventType {
  TokenCreated = 'dev.latchkey.token.created',
  TokenRevoked = 'dev.latchkey.token.revoked',
  TokenUpdated = 'dev.latchkey.token.updated',
  TokenRenewed = 'dev.latchkey.token.renewed',
  TokenUsed = 'dev.latchkey.token.used',
  MemberRoleChanged = 'dev.latchkey.member.role-changed',
  MemberRemoved = 'dev.latchkey.member.removed',
  TenantPolicyChanged = 'dev.latchkey.tenant.policy-changed',
  TokenRevealed = 'dev.latchkey.token.revealed',
  /** Verdicts (refusals included) counted per minute, reason and caller; beside TokenUsed (since 14). */
  TokenVerificationsCounted = 'dev.latchkey.token.verifications-counted',
  TokenExpiring = 'dev.latchkey.token.expiring',
  TokenIdleWarning = 'dev.latchkey.token.idle-warning',
}

export const MEMBER_ROLES = ['owner', 'admin', 'member'] as const;

/** A tenant's governance choices (the issuer's tenants/governance-policy.ts explains each value). */
export const TOKEN_ISSUANCE_POLICIES = ['all_members', 'admins_only'] as const;
export const TOKEN_VISIBILITY_POLICIES = ['admins_see_all', 'own_tokens_only'] as const;
export const ADMIN_REVOCATION_POLICIES = ['any_token', 'agent_tokens_only'] as const;
/** Token rights presets (seed 003: "read & write or only read"); permissions.ts maps them to scopes. */
export const TOKEN_RIGHTS = ['read', 'read_write'] as const;
/** Bounds of a tenant's expiry reminder days: at most this many, each at most this many days ahead. */
export const MAX_EXPIRY_REMINDERS = 6;
export const MAX_EXPIRY_REMINDER_DAY = 365;

const isoTime = isoInstant;

/**
 * A token's technical owner (seed 004): the person or team using it, told by mail when it is rotated or
 * revoked. Token events carry it so that consumers know whom to tell; absent in older events, null when
 * the token has none.
 */
export const technicalOwner = z.object({ email: z.string(), name: z.string().nullable() });
export type TechnicalOwner = z.infer<typeof technicalOwner>;

export const tokenCreatedData = z.object({
  tokenId: z.uuid(),
  name: z.string(),
  keyPrefix: z.string(),
  createdBy: z.string(),
  createdAt: isoTime,
  expiresAt: isoTime.nullable(),
  scopes: z.array(z.string()).optional(),
  resources: z.array(z.string()).optional(),
  purpose: z.enum(['integration', 'agent']).optional(),
  /** The rights preset the scopes came from (seed 003); null for custom scopes, absent in older events. */
  rights: z.enum(TOKEN_RIGHTS).nullable().optional(),
  /** The creator's email at creation, for expiry reminders. */
  createdByEmail: z.string().nullable().optional(),
  /** Auto-renewal settings and the first due time; null or absent when the token does not auto-renew. */
  autoRenewal: autoRenewalSchedule.nullable().optional(),
  /**
   * Who brought the token into existence: the creator, or for a successor the one who rotated or
   * renewed it (the owner, or the auto-renewal service). Absent in older events: read as `createdBy`.
   */
  performedBy: z.string().optional(),
  technicalOwner: technicalOwner.nullable().optional(),
});

/**
 * Why a token was revoked: `manual` by an admin or its owner (absent in older events: read as manual),
 * `leaked` on a secret-scanning report (`POST /v1/leaks`), `holder` by whoever held it
 * (`POST /v1/tokens/revoke-self`), `idle` by the tenant's idle policy (unused for `idleRevokeAfterDays`).
 */
export const REVOCATION_REASONS = ['manual', 'leaked', 'holder', 'idle'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/**
 * Where a secret scanner found a leaked token, as its report said (kept in the audit log; never the
 * token itself). `type` is the scanner's name for the secret type, `source` where it looked (GitHub:
 * `content`, `commit`, `pull_request_description`, `gist`, `npm`…).
 */
export const leakReportFacts = z.object({
  reporter: z.string(),
  type: z.string().nullable(),
  url: z.string().nullable(),
  source: z.string().nullable(),
});
export type LeakReportFacts = z.infer<typeof leakReportFacts>;

export const tokenRevokedData = z.object({
  tokenId: z.uuid(),
  /** Who revoked it (the acting principal), which may be an admin other than the owner. */
  revokedBy: z.string(),
  revokedAt: isoTime,
  /** The token's owner (its creator), told when someone else revokes it. Absent in older events. */
  ownerId: z.string().optional(),
  /** Told by mail of the revocation (seed 004). */
  technicalOwner: technicalOwner.nullable().optional(),
  /** Why it was revoked; absent in older events: read as `manual`. */
  reason: z.enum(REVOCATION_REASONS).optional(),
  /** With reason `leaked`: what the secret scanner reported. */
  leak: leakReportFacts.optional(),
});

/**
 * A token without auto-renewal expires in `daysBefore` days (0: today): one event per token, expiry and
 * reminder day, beside the reminder mail, so that other systems can react (e.g. open a ticket).
 */
export const tokenExpiringData = z.object({
  tokenId: z.uuid(),
  expiresAt: isoTime,
  /** The reminder day: how many days before the expiry day this notice is for. */
  daysBefore: z.number().int().min(0),
  /** The token's owner (its creator). */
  ownerId: z.string(),
  technicalOwner: technicalOwner.nullable().optional(),
});

/**
 * The tenant's idle policy will revoke this token at `revokeAt` unless it is used before then: it has
 * not been used since `idleSince` (its last use, or its creation). Its owner and technical owner are
 * mailed; a use cancels the revocation.
 */
export const tokenIdleWarningData = z.object({
  tokenId: z.uuid(),
  idleSince: isoTime,
  revokeAt: isoTime,
  /** The tenant's `idleRevokeAfterDays` when the warning was given. */
  idleRevokeAfterDays: z.number().int().positive(),
  ownerId: z.string(),
  technicalOwner: technicalOwner.nullable().optional(),
});

export const tokenUpdatedData = z.object({
  tokenId: z.uuid(),
  /** Who edited it (the acting principal). */
  updatedBy: z.string(),
  /** The token's owner (its creator). Absent in older events. */
  ownerId: z.string().optional(),
  /** The editable fields that changed, with their new values. */
  changes: z.object({
    description: z.string().nullable().optional(),
    /** New auto-renewal settings with the next due time; null when auto-renewal was switched off. */
    autoRenewal: autoRenewalSchedule.nullable().optional(),
    /** The new technical owner; null when it was removed. */
    technicalOwner: technicalOwner.nullable().optional(),
  }),
});

export const tokenRenewedData = z.object({
  oldTokenId: z.uuid(),
  newTokenId: z.uuid(),
  oldTokenEndsAt: isoTime,
  renewedBy: z.string(),
  /** Absent in events written before auto-renewal existed: read as `manual`. */
  reason: z.enum(RENEWAL_REASONS).optional(),
  /** The replaced token's technical owner, told by mail of a rotation (seed 004). */
  technicalOwner: technicalOwner.nullable().optional(),
});

/**
 * A recoverable token's plaintext was shown again to its owner (seed 003: "click on Copy"). Never carries
 * the token: only who asked and when, for the audit log and the owner's mail.
 */
export const tokenRevealedData = z.object({
  tokenId: z.uuid(),
  /** The owner who revealed it (only the owner may). */
  revealedBy: z.string(),
  revealedAt: isoTime,
});

export const tokenUsedData = z.object({
  tokenId: z.uuid(),
  /** Successful verifications since the previous TokenUsed from the same verifier instance. */
  count: z.number().int().positive(),
  lastUsedAt: isoTime,
  verifierInstance: z.string(),
});

/** The most cells one TokenVerificationsCounted summary carries; a verifier splits bigger ones. */
export const VERIFICATION_COUNT_MAX_CELLS = 2_000;

/**
 * One verifier's verdicts for one token since its previous summary, one cell per (minute, reason,
 * caller). Refusals are counted too; verdicts that name no token (MALFORMED, NOT_FOUND) are not, as no
 * tenant can be told of them. A summary is applied once by its event id, which is derived from the
 * verifier's flush, so a batch sent again is never counted twice.
 */
export const tokenVerificationsCountedData = z.object({
  tokenId: z.uuid(),
  verifierInstance: z.string(),
  counts: z
    .array(
      z.object({
        /** The start of the minute (UTC) the verdicts were given in. */
        minute: isoTime,
        /** A VerifyReason value; consumers keep unknown ones as they are. */
        reason: z.string().min(1).max(64),
        /** The name the caller gave itself (verification.ts: VERIFY_CALLER_PATTERN); null when none. */
        caller: z.string().min(1).max(64).nullable(),
        count: z.number().int().positive(),
      }),
    )
    .min(1)
    .max(VERIFICATION_COUNT_MAX_CELLS),
});

export const memberRoleChangedData = z.object({
  userId: z.string(),
  oldRole: z.enum(MEMBER_ROLES),
  newRole: z.enum(MEMBER_ROLES),
  changedBy: z.string(),
});

export const memberRemovedData = z.object({
  userId: z.string(),
  removedBy: z.string(),
});

/** A tenant's token and governance policy, as a policy change reports it: each field only if it changed. */
const tenantPolicyFields = z.object({
  requireExpiry: z.boolean().optional(),
  maxLifetimeDays: z.number().int().positive().nullable().optional(),
  tokenIssuance: z.enum(TOKEN_ISSUANCE_POLICIES).optional(),
  tokenVisibility: z.enum(TOKEN_VISIBILITY_POLICIES).optional(),
  adminRevocation: z.enum(ADMIN_REVOCATION_POLICIES).optional(),
  /** The rights preset a create request without `rights` or `scopes` gets (seed 002: "Grant the least"). */
  defaultRights: z.enum(TOKEN_RIGHTS).optional(),
  /** Whether new tokens' plaintext is kept encrypted so that their owner can reveal it again (seed 003). */
  recoverableTokens: z.boolean().optional(),
  /** The tenant's catalog of applications/projects a token's resources are chosen from (seed 003). */
  applications: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
  /** Revoke tokens unused for this many days; null: never. */
  idleRevokeAfterDays: z.number().int().positive().nullable().optional(),
  /** How many days before an idle revocation its owner is warned. */
  idleWarningDays: z.number().int().positive().optional(),
  /** Days before expiry on which owners are reminded; null: the service's default days. */
  expiryReminderDays: z.array(z.number().int().min(0)).nullable().optional(),
});

export const tenantPolicyChangedData = z.object({
  /** The owner (or, for the applications catalog, the owner or admin) who changed it. */
  changedBy: z.string(),
  /** The fields that changed, with their new values. */
  changes: tenantPolicyFields,
  /** The same fields, with the values they had before. */
  previous: tenantPolicyFields,
});

const dataSchemas = {
  [EventType.TokenCreated]: tokenCreatedData,
  [EventType.TokenRevoked]: tokenRevokedData,
  [EventType.TokenUpdated]: tokenUpdatedData,
  [EventType.TokenRenewed]: tokenRenewedData,
  [EventType.TokenUsed]: tokenUsedData,
  [EventType.MemberRoleChanged]: memberRoleChangedData,
  [EventType.MemberRemoved]: memberRemovedData,
  [EventType.TenantPolicyChanged]: tenantPolicyChangedData,
  [EventType.TokenRevealed]: tokenRevealedData,
  [EventType.TokenVerificationsCounted]: tokenVerificationsCountedData,
  [EventType.TokenExpiring]: tokenExpiringData,
  [EventType.TokenIdleWarning]: tokenIdleWarningData,
} as const;

export interface EventDataByType {
  [EventType.TokenCreated]: z.infer<typeof tokenCreatedData>;
  [EventType.TokenRevoked]: z.infer<typeof tokenRevokedData>;
  [EventType.TokenUpdated]: z.infer<typeof tokenUpdatedData>;
  [EventType.TokenRenewed]: z.infer<typeof tokenRenewedData>;
  [EventType.TokenUsed]: z.infer<typeof tokenUsedData>;
  [EventType.MemberRoleChanged]: z.infer<typeof memberRoleChangedData>;
  [EventType.MemberRemoved]: z.infer<typeof memberRemovedData>;
  [EventType.TenantPolicyChanged]: z.infer<typeof tenantPolicyChangedData>;
  [EventType.TokenRevealed]: z.infer<typeof tokenRevealedData>;
  [EventType.TokenVerificationsCounted]: z.infer<typeof tokenVerificationsCountedData>;
  [EventType.TokenExpiring]: z.infer<typeof tokenExpiringData>;
  [EventType.TokenIdleWarning]: z.infer<typeof tokenIdleWarningData>;
}

export interface EventEnvelope<T extends EventType = EventType> {
  id: string;
  type: T;
  specversion: typeof EVENT_SPEC_VERSION;
  /** The producing service, e.g. `latchkey/issuer`. */
  source: string;
  time: string;
  /** What the event is about: the token id (token events), the user id (member events) or the tenant id. */
  subject: string;
  tenantId: string;
  dataVersion: number;
  data: EventDataByType[T];
  /**
   * The W3C trace context of the change that emitted the event (CloudEvents Distributed Tracing
   * extension), so that what consumers do joins the same trace. Absent when tracing is off.
   */
  traceparent?: string;
  tracestate?: string;
}

/** The discriminated union consumers switch on. */
export type LatchkeyEvent = { [T in EventType]: EventEnvelope<T> }[EventType];

export type TokenCreatedEvent = EventEnvelope<EventType.TokenCreated>;
export type TokenRevokedEvent = EventEnvelope<EventType.TokenRevoked>;
export type TokenUpdatedEvent = EventEnvelope<EventType.TokenUpdated>;
export type TokenRenewedEvent = EventEnvelope<EventType.TokenRenewed>;
export type TokenUsedEvent = EventEnvelope<EventType.TokenUsed>;
export type MemberRoleChangedEvent = EventEnvelope<EventType.MemberRoleChanged>;
export type MemberRemovedEvent = EventEnvelope<EventType.MemberRemoved>;
export type TokenRevealedEvent = EventEnvelope<EventType.TokenRevealed>;
export type TokenVerificationsCountedEvent = EventEnvelope<EventType.TokenVerificationsCounted>;
export type TokenExpiringEvent = EventEnvelope<EventType.TokenExpiring>;
export type TokenIdleWarningEvent = EventEnvelope<EventType.TokenIdleWarning>;

export const CURRENT_DATA_VERSION = 1;

export function createEvent<T extends EventType>(
  type: T,
  fields: {
    source: string;
    subject: string;
    tenantId: string;
    data: EventDataByType[T];
    time?: Date;
    /** A deterministic id (a summary sent again must keep its id); a random one when absent. */
    id?: string;
  },
): EventEnvelope<T> {
  return {
    id: fields.id ?? randomUUID(),
    type,
    specversion: EVENT_SPEC_VERSION,
    source: fields.source,
    time: (fields.time ?? new Date()).toISOString(),
    subject: fields.subject,
    tenantId: fields.tenantId,
    dataVersion: CURRENT_DATA_VERSION,
    data: fields.data,
  };
}

const envelopeAttributes = {
  id: z.uuid(),
  type: z.enum(EventType),
  specversion: z.literal(EVENT_SPEC_VERSION),
  source: z.string().min(1),
  time: isoTime,
  subject: z.string().min(1),
  data: z.unknown(),
  traceparent: z.string().max(256).optional(),
  tracestate: z.string().max(1024).optional(),
};

/** The envelope published before events were conformant CloudEvents (camelCase extensions). */
const legacyEnvelopeSchema = z.object({
  ...envelopeAttributes,
  tenantId: z.string().min(1),
  dataVersion: z.number().int().positive(),
});

/** A CloudEvents 1.0 event in the JSON event format, as published now (event-wire.ts). */
const cloudEventSchema = z
  .object({
    ...envelopeAttributes,
    datacontenttype: z.literal('application/json').optional(),
    tenantid: z.string().min(1),
    dataversion: z.number().int().positive(),
  })
  .transform(({ tenantid, dataversion, datacontenttype: _json, ...rest }) => ({
    ...rest,
    tenantId: tenantid,
    dataVersion: dataversion,
  }));

export type EventParseResult = { ok: true; event: LatchkeyEvent } | { ok: false; reason: string };

/**
 * Validates a message at the edge. Reads both the CloudEvents form (lowercase `tenantid`,
 * `dataversion`) and the envelope published before it (`tenantId`, `dataVersion`), which stays on the
 * bus during an upgrade (docs/architecture.md, "Events"). Unknown extra fields are tolerated (additive
 * evolution).
 */
export function parseEvent(raw: Buffer | string | null): EventParseResult {
  if (raw === null) return { ok: false, reason: 'empty message' };
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const conformant = typeof json === 'object' && json !== null && 'tenantid' in json;
  const envelope = conformant ? cloudEventSchema.safeParse(json) : legacyEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reason: `bad envelope: ${z.prettifyError(envelope.error)}` };
  const data = dataSchemas[envelope.data.type].safeParse(envelope.data.data);
  if (!data.success) {
    return { ok: false, reason: `bad ${envelope.data.type} data: ${z.prettifyError(data.error)}` };
  }
  if (data.data && 'tokenId' in data.data && data.data.tokenId !== envelope.data.subject) {
    return { ok: false, reason: 'subject does not match data.tokenId' };
  }
  return { ok: true, event: { ...envelope.data, data: data.data } as LatchkeyEvent };
}
