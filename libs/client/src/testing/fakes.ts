import { VerifyReason } from '@latchkey/contracts';
import type { TokenVerifier, Verdict, VerifyNeeds } from '../verify/types';

/** A verdict with the given reason (valid when OK). */
export function verdict(reason: VerifyReason, overrides: Partial<Verdict> = {}): Verdict {
  const ok = reason === VerifyReason.Ok;
  return {
    valid: ok,
    reason,
    tokenId: ok ? 'tok-1' : null,
    tenantId: ok ? 'acme' : null,
    ownerId: ok ? 'alice' : null,
    expiresAt: null,
    effectivePermissions: ok ? ['projects:read'] : [],
    resources: [],
    ...overrides,
  };
}

/** A verifier that answers what it is told and records what it was asked. */
export class FakeVerifier implements TokenVerifier {
  readonly calls: Array<{ token: string; needs: VerifyNeeds }> = [];

  constructor(private readonly answer: (token: string, needs: VerifyNeeds) => Promise<Verdict>) {}

  verify(token: string, needs: VerifyNeeds = {}): Promise<Verdict> {
    this.calls.push({ token, needs });
    return this.answer(token, needs);
  }
}
