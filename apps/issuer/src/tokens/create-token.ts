import { Inject, Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '../auth/admin-principal';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { UnitOfWork } from '../outbox/unit-of-work';
import { TenantApplicationsService } from '../tenants/tenant-applications.service';
import { TenantPolicyService } from '../tenants/tenant-policy.service';
import { AutoRenewalAcceptance } from './accept-auto-renewal';
import type { CreateTokenDto } from './dto/create-token.dto';
import { resolveExpiry } from './expiry';
import { type CreatedToken, type NewTokenFields, TokenIssuance } from './token-issuance';
import {
  assertKnownResources,
  assertMayIssueTokens,
  chooseScopes,
  DAY_MS,
  requireVerifiedEmail,
} from './token-rules';

/**
 * `POST /v1/tokens`: a new token for the admin (seeds 000–004). The plan and the tenant's policy decide
 * whether it may exist; the plaintext is in the answer, once.
 */
@Injectable()
export class CreateToken {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly issuance: TokenIssuance,
    private readonly policies: TenantPolicyService,
    private readonly autoRenewal: AutoRenewalAcceptance,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
    private readonly catalogs: TenantApplicationsService,
  ) {}

  async execute(principal: AdminPrincipal, request: CreateTokenDto): Promise<CreatedToken> {
    requireVerifiedEmail(principal);
    assertMayIssueTokens(principal, await this.policies.governance(principal.tenantId));
    // Rights or scopes, and resources from the tenant's catalog (seed 003).
    const catalog = await this.catalogs.tokenCatalog(principal.tenantId);
    const { rights, scopes } = chooseScopes(
      principal,
      request,
      catalog.defaultRights,
      this.config.TOKEN_SCOPE_CATALOG,
    );
    const resources = request.resources ?? [];
    assertKnownResources(
      resources,
      catalog.applications.map((application) => application.id),
    );
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
      scopes,
      rights,
      resources,
      purpose,
      replacesTokenId: null,
      autoRenewal: null,
      technicalOwner: request.technicalOwner
        ? { email: request.technicalOwner.email, name: request.technicalOwner.name || null }
        : null,
    };
    // The plan and the tenant's policy (seed 004) decide whether this token may exist at all.
    await this.policies.assertMayIssue(principal.tenantId, fields.expiresAt, now);
    if (request.autoRenewal) {
      fields.autoRenewal = await this.autoRenewal.accept(principal.tenantId, request.autoRenewal, now);
    }
    const owner = { tenantId: principal.tenantId, userId: principal.userId, email: principal.email };
    return this.unitOfWork.run((tx) => this.issuance.issue(tx, owner, fields, now));
  }
}
