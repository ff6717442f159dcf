import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '../auth/admin-principal';
import { UnitOfWork } from '../outbox/unit-of-work';
import { TenantPolicyService } from '../tenants/tenant-policy.service';
import { TokenRevocation } from './token-revocation';
import { assertMayRevoke, scopeOf, tokenNotFound } from './token-rules';
import { toTokenView, type TokenView } from './token-view';
import { TokenError, TokenErrorCode } from './tokens.errors';
import { TokensRepository } from './tokens.repository';

/**
 * `POST /v1/tokens/:id/revoke`, irreversible. The verifiers' cache learns of the revocation before the
 * transaction commits, so the very next verification anywhere answers REVOKED once this returns. Pending
 * renewals stop in the same transaction: a renewal key handed out earlier stops working at the same
 * moment. Runs on the priority pool, so no other traffic can make it wait for a connection.
 */
@Injectable()
export class RevokeToken {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly tokens: TokensRepository,
    private readonly revocation: TokenRevocation,
    private readonly policies: TenantPolicyService,
  ) {}

  async execute(principal: AdminPrincipal, id: string): Promise<TokenView> {
    const now = new Date();
    const token = await this.unitOfWork.run(
      async (tx) => {
        // The tenant's governance decides whose tokens the caller sees and may revoke.
        const governance = await this.policies.governance(principal.tenantId, tx);
        const record = await this.tokens.lockVisible(tx, scopeOf(principal, governance), id);
        if (!record) throw tokenNotFound(id);
        assertMayRevoke(principal, record, governance);
        if (record.status === 'revoked') {
          throw new TokenError(
            TokenErrorCode.AlreadyRevoked,
            'This token is already revoked. Revocation cannot be undone.',
          );
        }
        await this.revocation.revokeLocked(
          tx,
          record,
          { revokedBy: principal.userId, reason: 'manual' },
          now,
        );
        return record;
      },
      { priority: true },
    );
    return toTokenView(token, now);
  }
}
