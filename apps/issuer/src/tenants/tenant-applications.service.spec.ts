import { EventType } from '@latchkey/contracts';
import type { AdminPrincipal, Role } from '../auth/admin-principal';
import { FORBIDDEN_ROLE } from '../auth/roles';
import type { IssuerConfig } from '../config';
import type { Tx } from '../database/transaction';
import { FakeTransactions } from '../outbox/testing/fake-transactions';
import type { UnitOfWork } from '../outbox/unit-of-work';
import type { Tenant } from './tenant.entity';
import type { ApplicationEntry, TenantApplicationsRepository } from './tenant-applications.repository';
import { sameApplications, TenantApplicationsService } from './tenant-applications.service';
import type { TenantsRepository } from './tenants.repository';

const as = (role: Role): AdminPrincipal => ({
  userId: `${role}-1`,
  tenantId: 'acme',
  role,
  email: null,
  emailVerified: true,
});

/** One tenant and its catalog in memory, read and written through the fake transactions. */
function setUp(stored: { tenant: Partial<Tenant> | null; applications?: ApplicationEntry[] }) {
  const db = new FakeTransactions();
  let tenant = stored.tenant === null ? null : ({ id: 'acme', plan: 'team', ...stored.tenant } as Tenant);
  let catalog = [...(stored.applications ?? [])];
  const tenants = {
    find: () => Promise.resolve(tenant === null ? null : { ...tenant }),
    findOrCreate: () => {
      tenant ??= { id: 'acme', plan: 'team', defaultRights: 'read' } as Tenant;
      return Promise.resolve({ ...tenant });
    },
    lock: (tx: Tx) => {
      db.through(tx);
      return Promise.resolve(tenant === null ? null : { ...tenant });
    },
  } as unknown as TenantsRepository;
  const applications = {
    list: (_id: string, tx?: Tx) => {
      db.through(tx);
      return Promise.resolve([...catalog]);
    },
    replace: (tx: Tx, _id: string, entries: ApplicationEntry[]) => {
      db.through(tx);
      catalog = [...entries];
      return Promise.resolve();
    },
  } as unknown as TenantApplicationsRepository;
  const service = new TenantApplicationsService(
    tenants,
    applications,
    db as unknown as UnitOfWork,
    { DEFAULT_TENANT_PLAN: 'team' } as IssuerConfig,
  );
  return { db, service, catalog: () => catalog };
}

describe('TenantApplicationsService', () => {
  it('shows a tenant never seen an empty catalog and the least rights (seed 002), to every role', async () => {
    const { service } = setUp({ tenant: null });
    await expect(service.view(as('member'))).resolves.toEqual({ applications: [], defaultRights: 'read' });
  });

  it("shows the tenant's own catalog and default preset", async () => {
    const { service } = setUp({
      tenant: { defaultRights: 'read_write' },
      applications: [{ id: 'crm', name: 'CRM' }],
    });
    await expect(service.tokenCatalog('acme')).resolves.toEqual({
      applications: [{ id: 'crm', name: 'CRM' }],
      defaultRights: 'read_write',
    });
  });

  it('lets owners and admins replace the catalog, announcing it with the catalog before', async () => {
    const { db, service, catalog } = setUp({
      tenant: { defaultRights: 'read' },
      applications: [{ id: 'crm', name: 'CRM' }],
    });
    const next = [
      { id: 'billing', name: 'Billing portal' },
      { id: 'crm', name: 'CRM' },
    ];
    await expect(service.replace(as('admin'), { applications: next })).resolves.toEqual({
      applications: next,
      defaultRights: 'read',
    });
    expect(catalog()).toEqual(next);
    expect(db.emitted.map((e) => ({ type: e.type, ...e.fields }))).toEqual([
      expect.objectContaining({
        type: EventType.TenantPolicyChanged,
        tenantId: 'acme',
        data: {
          changedBy: 'admin-1',
          changes: { applications: next },
          previous: { applications: [{ id: 'crm', name: 'CRM' }] },
        },
      }),
    ]);
  });

  it('announces nothing when the catalog does not change', async () => {
    const { db, service } = setUp({
      tenant: { defaultRights: 'read' },
      applications: [{ id: 'crm', name: 'CRM' }],
    });
    await service.replace(as('owner'), { applications: [{ id: 'crm', name: 'CRM' }] });
    expect(db.emitted).toEqual([]);
  });

  it('refuses members (403 FORBIDDEN_ROLE) and changes nothing', async () => {
    const { db, service, catalog } = setUp({ tenant: { defaultRights: 'read' } });
    await expect(
      service.replace(as('member'), { applications: [{ id: 'crm', name: 'CRM' }] }),
    ).rejects.toMatchObject({ code: FORBIDDEN_ROLE, status: 403 });
    expect(catalog()).toEqual([]);
    expect(db.emitted).toEqual([]);
  });
});

describe('sameApplications', () => {
  it('compares ids, names and order', () => {
    const crm = { id: 'crm', name: 'CRM' };
    const billing = { id: 'billing', name: 'Billing' };
    expect(sameApplications([crm, billing], [crm, billing])).toBe(true);
    expect(sameApplications([crm, billing], [billing, crm])).toBe(false);
    expect(sameApplications([crm], [{ id: 'crm', name: 'Customers' }])).toBe(false);
    expect(sameApplications([crm], [])).toBe(false);
  });
});
