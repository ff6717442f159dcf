import { Inject, Injectable } from '@nestjs/common';
import { EventType, type TokenRights } from '@latchkey/contracts';
import type { AdminPrincipal } from '../auth/admin-principal';
import { requireRole } from '../auth/roles';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { UnitOfWork } from '../outbox/unit-of-work';
import type { ReplaceApplicationsDto } from './dto/applications.dto';
import { type ApplicationEntry, TenantApplicationsRepository } from './tenant-applications.repository';
import { TenantsRepository } from './tenants.repository';

/** A tenant that never chose gets the least (seed 002: "Grant the least"). */
export const DEFAULT_RIGHTS: TokenRights = 'read';

/** What a token's creation needs of the tenant: the rights preset by default and the catalog. */
export interface TokenCatalogView {
  applications: ApplicationEntry[];
  defaultRights: TokenRights;
}

export function sameApplications(a: readonly ApplicationEntry[], b: readonly ApplicationEntry[]): boolean {
  return a.length === b.length && a.every((entry, i) => entry.id === b[i].id && entry.name === b[i].name);
}

/**
 * A tenant's catalog of applications/projects (seed 003: "Determine Applications by using the drop-down
 * menu") and its default rights preset. Every role reads them (the create dialog offers both); owners
 * and admins keep the catalog, as they keep the tenant's projects.
 */
@Injectable()
export class TenantApplicationsService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly applications: TenantApplicationsRepository,
    private readonly unitOfWork: UnitOfWork,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  /** Reads never create the tenant: one never seen has an empty catalog and the default preset. */
  async view(principal: AdminPrincipal): Promise<TokenCatalogView> {
    return this.tokenCatalog(principal.tenantId);
  }

  async tokenCatalog(tenantId: string): Promise<TokenCatalogView> {
    const [tenant, applications] = await Promise.all([
      this.tenants.find(tenantId),
      this.applications.list(tenantId),
    ]);
    return { applications, defaultRights: tenant?.defaultRights ?? DEFAULT_RIGHTS };
  }

  /**
   * Replaces the catalog. A change is announced like a policy change (TenantPolicyChanged, in the audit
   * log as `tenant.policy_changed`) with the catalog before and after; one that changes nothing, not.
   * Tokens already restricted to an id that leaves the catalog keep it: the catalog guides new tokens.
   */
  async replace(principal: AdminPrincipal, request: ReplaceApplicationsDto): Promise<TokenCatalogView> {
    requireRole(principal, ['owner', 'admin'], 'change the applications catalog');
    const id = principal.tenantId;
    await this.tenants.findOrCreate(id, this.config.DEFAULT_TENANT_PLAN);
    const next = request.applications.map(({ id: appId, name }) => ({ id: appId, name }));
    const now = new Date();
    return this.unitOfWork.run(async (tx) => {
      const tenant = await this.tenants.lock(tx, id);
      if (!tenant) throw new Error(`tenant ${id} vanished`);
      const current = await this.applications.list(id, tx);
      if (!sameApplications(current, next)) {
        await this.applications.replace(tx, id, next);
        tx.emit(EventType.TenantPolicyChanged, {
          subject: id,
          tenantId: id,
          time: now,
          data: {
            changedBy: principal.userId,
            changes: { applications: next },
            previous: { applications: current },
          },
        });
      }
      return { applications: next, defaultRights: tenant.defaultRights };
    });
  }
}
