/*
 * Token rows for specs. No Jest here, so this file also compiles where the app is built.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Token } from '../token.entity';

/** A live token created by alice, valid for a year from 2026-11-01. */
export function aToken(extra: Partial<Token> = {}): Token {
  return Object.assign(new Token(), {
    id: '0f4b6c1e-2d3a-4b5c-8d9e-0a1b2c3d4e5f',
    tenantId: 'acme',
    name: 'crm',
    description: 'syncs contacts',
    keyPrefix: 'lk_abcde',
    tokenHash: 'f'.repeat(64),
    createdBy: 'alice',
    createdByEmail: 'alice@acme.test',
    issuedBy: 'alice',
    issuedByEmail: 'alice@acme.test',
    createdAt: new Date('2026-11-01T00:00:00.000Z'),
    expiresAt: new Date('2027-11-01T00:00:00.000Z'),
    status: 'active',
    revokedAt: null,
    revokedBy: null,
    lastUsedAt: null,
    usageCount: 0,
    scopes: ['projects:read'],
    resources: ['proj_42'],
    purpose: 'integration',
    replacesTokenId: null,
    rights: null,
    replacedByTokenId: null,
    renewalEveryDays: null,
    renewalCallbackUrl: null,
    renewalMailRecipient: null,
    renewalNextAt: null,
    ...extra,
  } satisfies Partial<Token>);
}

/** A token with its own id and hash, for specs that store several in one database. */
export function aUniqueToken(extra: Partial<Token> = {}): Token {
  return aToken({ id: randomUUID(), tokenHash: randomBytes(32).toString('hex'), ...extra });
}
