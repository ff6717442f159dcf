import type { AdminPrincipal } from '../auth/admin-principal';
import { EventType } from '@latchkey/contracts';
import { carla, eventsOf, tokenUseCases } from './testing/token-use-cases';
import { assertKnownResources, chooseScopes } from './token-rules';
import { TokenErrorCode } from './tokens.errors';

/* Rights presets and the applications catalog on token creation (seed 003; seed 002's "Grant the least"). */

const CATALOG = ['projects:read', 'projects:write', 'tasks:read', 'tasks:write'];
const mia: AdminPrincipal = { ...carla, userId: 'mia', role: 'member', email: 'mia@acme.test' };

describe('chooseScopes', () => {
  it('maps the presets to the scope catalog: read is every :read scope, read_write all of it', () => {
    expect(chooseScopes(carla, { rights: 'read' }, 'read_write', CATALOG)).toEqual({
      rights: 'read',
      scopes: ['projects:read', 'tasks:read'],
    });
    expect(chooseScopes(carla, { rights: 'read_write' }, 'read', CATALOG)).toEqual({
      rights: 'read_write',
      scopes: CATALOG,
    });
  });

  it("gives a request with neither the tenant's default preset", () => {
    expect(chooseScopes(carla, {}, 'read', CATALOG)).toEqual({
      rights: 'read',
      scopes: ['projects:read', 'tasks:read'],
    });
    expect(chooseScopes(carla, {}, 'read_write', CATALOG)).toEqual({ rights: 'read_write', scopes: CATALOG });
  });

  it('gives a member asking for nothing read, even under a read_write default', () => {
    expect(chooseScopes(mia, {}, 'read_write', CATALOG)).toEqual({
      rights: 'read',
      scopes: ['projects:read', 'tasks:read'],
    });
  });

  it('refuses read_write to a member who asks for it (403 SCOPE_NOT_GRANTED)', () => {
    expect(() => chooseScopes(mia, { rights: 'read_write' }, 'read', CATALOG)).toThrow(
      expect.objectContaining({ code: TokenErrorCode.ScopeNotGranted, status: 403 }),
    );
  });

  it('keeps custom scopes as they are, with no preset', () => {
    expect(chooseScopes(carla, { scopes: ['*'] }, 'read', CATALOG)).toEqual({ rights: null, scopes: ['*'] });
    expect(chooseScopes(carla, { scopes: ['tasks:write'] }, 'read', CATALOG)).toEqual({
      rights: null,
      scopes: ['tasks:write'],
    });
  });

  it('refuses rights and scopes together (400 RIGHTS_SCOPES_CONFLICT)', () => {
    expect(() => chooseScopes(carla, { rights: 'read', scopes: ['projects:read'] }, 'read', CATALOG)).toThrow(
      expect.objectContaining({ code: TokenErrorCode.RightsScopesConflict, status: 400 }),
    );
  });
});

describe('assertKnownResources', () => {
  it('accepts any resource while the catalog is empty', () => {
    expect(() => assertKnownResources(['anything-at-all'], [])).not.toThrow();
  });

  it('accepts catalog ids and refuses others with their list (422 UNKNOWN_RESOURCE)', () => {
    expect(() => assertKnownResources(['billing', 'crm'], ['crm', 'billing'])).not.toThrow();
    expect(() => assertKnownResources(['crm', 'ledger'], ['crm', 'billing'])).toThrow(
      expect.objectContaining({
        code: TokenErrorCode.UnknownResource,
        status: 422,
        extensions: { unknown: ['ledger'], applications: ['crm', 'billing'] },
      }),
    );
  });
});

describe('CreateToken with rights and applications', () => {
  it('records the preset on the token and in its view; custom scopes show null', async () => {
    const { db, tokens, create } = tokenUseCases();
    const reader = await create.execute(carla, { name: 'reporting', rights: 'read' });
    expect(reader).toMatchObject({ rights: 'read', scopes: ['projects:read'] });
    const writer = await create.execute(carla, { name: 'sync', rights: 'read_write' });
    expect(writer).toMatchObject({ rights: 'read_write', scopes: ['projects:read', 'projects:write'] });
    const custom = await create.execute(carla, { name: 'custom', scopes: ['projects:write'] });
    expect(custom).toMatchObject({ rights: null, scopes: ['projects:write'] });
    expect(tokens.rows.map((t) => t.rights)).toEqual(['read', 'read_write', null]);
    // The audit log's token.created entry says which preset was granted.
    expect(eventsOf(db, EventType.TokenCreated).map((e) => e.data.rights)).toEqual([
      'read',
      'read_write',
      null,
    ]);
  });

  it("applies the tenant's default preset, read unless it chose otherwise", async () => {
    const { tokenCatalog, create } = tokenUseCases();
    expect(await create.execute(carla, { name: 'least' })).toMatchObject({
      rights: 'read',
      scopes: ['projects:read'],
    });
    tokenCatalog.defaultRights = 'read_write';
    expect(await create.execute(carla, { name: 'more' })).toMatchObject({ rights: 'read_write' });
  });

  it('validates resources against a non-empty catalog and writes nothing when one is unknown', async () => {
    const { tokens, tokenCatalog, create } = tokenUseCases();
    expect(await create.execute(carla, { name: 'free', resources: ['whatever'] })).toMatchObject({
      resources: ['whatever'],
    });
    tokenCatalog.applications = [{ id: 'crm', name: 'CRM' }];
    await expect(create.execute(carla, { name: 'x', resources: ['whatever'] })).rejects.toMatchObject({
      code: TokenErrorCode.UnknownResource,
    });
    expect(await create.execute(carla, { name: 'crm-only', resources: ['crm'] })).toMatchObject({
      resources: ['crm'],
    });
    expect(tokens.rows.map((t) => t.name)).toEqual(['free', 'crm-only']);
  });

  it('refuses rights with scopes before writing anything', async () => {
    const { tokens, create } = tokenUseCases();
    await expect(
      create.execute(carla, { name: 'both', rights: 'read', scopes: ['projects:read'] }),
    ).rejects.toMatchObject({ code: TokenErrorCode.RightsScopesConflict, status: 400 });
    expect(tokens.rows).toHaveLength(0);
  });
});
