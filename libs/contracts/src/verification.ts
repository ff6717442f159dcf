import { join } from 'node:path';
import { z } from 'zod';

/** Why a token was accepted or refused. Additive: consumers must treat unknown reasons as refusals. */
export enum VerifyReason {
  Ok = 'OK',
  Malformed = 'MALFORMED',
  NotFound = 'NOT_FOUND',
  Revoked = 'REVOKED',
  Expired = 'EXPIRED',
  /** The token's owner was removed from the tenant: their tokens stop working with them. */
  OwnerInactive = 'OWNER_INACTIVE',
  /** The tenant's plan has no API access (seed 004): its tokens work again once it is moved back. */
  PlanInactive = 'PLAN_INACTIVE',
  /** The token (or its owner's current role) lacks a scope the caller required. */
  InsufficientScope = 'INSUFFICIENT_SCOPE',
  /** The token is restricted to other resources than the one the caller named. */
  ResourceForbidden = 'RESOURCE_FORBIDDEN',
  /**
   * The token is restricted to resources and the caller named none without saying it enforces them
   * itself (`callerEnforcesResources`): the caller's intent must be explicit.
   */
  ResourceRequired = 'RESOURCE_REQUIRED',
}

/** The most scopes one verification may require. */
export const VERIFY_MAX_SCOPES = 50;
/** The longest scope or resource, in characters (see `characterCount`). */
export const VERIFY_MAX_TEXT_LENGTH = 128;

/**
 * Characters as the verifier has always counted them for its length limits: a surrogate pair (an emoji)
 * counts once, and so does a character followed by a variation selector (U+FE0E/U+FE0F).
 */
export function characterCount(text: string): number {
  const presentationSequences = text.match(/[^\uFE0F\uFE0E][\uFE0F\uFE0E]/g)?.length ?? 0;
  const surrogatePairs = text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0;
  return text.length - presentationSequences - surrogatePairs;
}

/** The longest caller name (`caller` on HTTP, `caller` / `latchkey-caller` metadata on gRPC). */
export const VERIFY_CALLER_MAX_LENGTH = 64;
/**
 * A caller name: a letter or digit, then letters, digits, `.`, `_`, `:`, `/` or `-` (e.g. `billing-api`).
 * Names are counted per token in analytics; the charset keeps them safe to show and to store.
 */
export const VERIFY_CALLER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
/** The gRPC metadata key a caller may name itself with (the request's `caller` field wins). */
export const VERIFY_CALLER_METADATA_KEY = 'latchkey-caller';

/** Whether `name` is a caller name the verifier counts. */
export function isCallerName(name: string): boolean {
  return name.length <= VERIFY_CALLER_MAX_LENGTH && VERIFY_CALLER_PATTERN.test(name);
}

const boundedText = z
  .string()
  .refine((text) => characterCount(text) <= VERIFY_MAX_TEXT_LENGTH)
  .meta({ maxLength: VERIFY_MAX_TEXT_LENGTH });

/**
 * `POST /v1/verify` body (the gRPC VerifyRequest has the same fields). Unknown fields are refused; an
 * optional field may be absent or null. The verifier validates with this schema and publishes it, as
 * JSON Schema, in its OpenAPI document.
 */
export const verifyRequest = z
  .strictObject({
    /** Any string: a malformed token is a MALFORMED verdict, not a bad request. */
    token: z
      .string()
      .meta({ description: 'The token to verify. Any string: a malformed token is a MALFORMED verdict.' }),
    /** Scopes the caller's operation needs; the token must have every one of them, effectively. */
    requiredScopes: z
      .array(boundedText)
      // A refinement rather than .max(), so that too many scopes and too long ones are both reported.
      .refine((scopes) => scopes.length <= VERIFY_MAX_SCOPES, { when: () => true })
      .meta({ maxItems: VERIFY_MAX_SCOPES })
      .nullish()
      .meta({
        description:
          "Scopes the caller's operation needs; the token must have every one of them, effectively.",
      }),
    /** The resource the caller's operation touches (e.g. a project id); empty means none. */
    resource: boundedText.nullish().meta({
      description: "The resource the caller's operation touches (e.g. a project id); empty means none.",
    }),
    /**
     * The caller checks the returned `resources` itself: a restricted token verified without `resource`
     * is then OK instead of RESOURCE_REQUIRED.
     */
    callerEnforcesResources: z.boolean().nullish().meta({
      description:
        'The caller checks the returned resources itself: a restricted token verified without resource is then OK instead of RESOURCE_REQUIRED.',
    }),
    /** Names the calling service for analytics (e.g. `billing-api`); it never changes the verdict. */
    caller: z.string().max(VERIFY_CALLER_MAX_LENGTH).regex(VERIFY_CALLER_PATTERN).nullish().meta({
      description:
        'Names the calling service for usage analytics (e.g. billing-api): 1 to 64 letters, digits, ., _, :, / or -, starting with a letter or digit. Never changes the verdict.',
    }),
  })
  .meta({ title: 'VerifyRequest' });

export type VerifyRequest = z.infer<typeof verifyRequest>;

export interface VerifyResponse {
  valid: boolean;
  reason: VerifyReason;
  tokenId: string | null;
  tenantId: string | null;
  ownerId: string | null;
  /** ISO 8601; null when the token never expires or was not identified. */
  expiresAt: string | null;
  /** The token's scopes ∩ what its owner's role allows now; empty unless the owner is active. */
  effectivePermissions: string[];
  /** The resources the token is restricted to; empty means no restriction. */
  resources: string[];
}

/** `latchkey.verifier.v1.VerifyResponse` on the wire: proto3 has no null, so unknown values are empty strings. */
export interface GrpcVerifyResponse {
  valid: boolean;
  reason: string;
  tokenId: string;
  tenantId: string;
  ownerId: string;
  expiresAt: string;
  effectivePermissions: string[];
  resources: string[];
}

export const VERIFIER_PROTO_PACKAGE = 'latchkey.verifier.v1';
export const VERIFIER_GRPC_SERVICE = 'TokenVerifier';
/** Absolute path of the proto file; resolves the same from src/ (tests) and dist/ (builds). */
export const VERIFIER_PROTO_PATH = join(__dirname, '..', 'proto', 'verifier.proto');
