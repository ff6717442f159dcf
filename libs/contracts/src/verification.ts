import { join } from 'node:path';

/** Why a token was accepted or refused. Additive: consumers must treat unknown reasons as refusals. */
export enum VerifyReason {
  Ok = 'OK',
  Malformed = 'MALFORMED',
  NotFound = 'NOT_FOUND',
  Revoked = 'REVOKED',
  Expired = 'EXPIRED',
  /** The token's owner was removed from the tenant: their tokens stop working with them. */
  OwnerInactive = 'OWNER_INACTIVE',
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

export interface VerifyRequest {
  token: string;
  /** Scopes the caller's operation needs; the token must have every one of them, effectively. */
  requiredScopes?: string[];
  /** The resource the caller's operation touches (e.g. a project id); empty means none. */
  resource?: string;
  /**
   * The caller checks the returned `resources` itself: a restricted token verified without `resource`
   * is then OK instead of RESOURCE_REQUIRED.
   */
  callerEnforcesResources?: boolean;
}

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
