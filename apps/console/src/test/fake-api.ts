import type { CreatedToken, Problem, Schemas, Token } from '../api/client';

/** Our own fake of the issuer's admin API for component tests: tokens in memory, behind `fetch`. */
export class FakeIssuer {
  tokens: Token[] = [];
  requests: { method: string; path: string; query: URLSearchParams; body: unknown }[] = [];
  /** The next answer to a matching call, instead of the fake's own (e.g. a problem+json). */
  failNext: { method: string; path: RegExp; status: number; problem: Partial<Problem> } | null = null;
  /** The tenant's plan and policies (`GET`/`PATCH /v1/tenant/policy`), today's defaults to start with. */
  policy: Schemas['TenantPolicyResponse'] = {
    plan: 'team',
    apiAccess: true,
    requireExpiry: false,
    maxLifetimeDays: null,
    tokenIssuance: 'all_members',
    tokenVisibility: 'admins_see_all',
    adminRevocation: 'any_token',
    defaultRights: 'read',
    recoverableTokens: false,
    idleRevokeAfterDays: null,
    idleWarningDays: 7,
    expiryReminderDays: null,
  };
  /** Plaintexts `POST /v1/tokens/:id/reveal` answers, by token id (seed 003); others are 409. */
  recoverable: Record<string, string> = {};
  /** Each token's renewal offers (`GET /v1/tokens/:id/renewals`), newest first. */
  renewals = new Map<string, Schemas['RenewalHistoryResponse']['items']>();
  /** The tenant's applications catalog (`GET`/`PUT /v1/tenant/applications`), empty to start with. */
  applications: Schemas['ApplicationDto'][] = [];
  /** The warnings the next created token's response carries (the issuer's name check, seed 004). */
  createWarnings: CreatedToken['warnings'] = [];
  /** `GET /v1/tokens/:id/impact` answers by token id; a token without one gets an unused token's. */
  impacts = new Map<string, Schemas['TokenImpactResponse']>();
  /** `GET /v1/tokens/:id/usage` answers by token id; a token without one gets empty buckets. */
  usages = new Map<string, Schemas['TokenUsageResponse']>();
  /** The tenant's members (`GET /v1/members`): the creator filter's choices. */
  members: Schemas['MemberResponse'][] = [];
  private counter = 0;

  /** A token; `ageDays` follows `createdAt` and `issuedBy` the owner unless given. */
  token(fields: Partial<Token> = {}): Token {
    const n = ++this.counter;
    const createdAt = fields.createdAt ?? new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
    const createdBy = fields.createdBy ?? { id: 'alice', email: 'alice@acme.test' };
    const token: Token = {
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      name: `token-${n}`,
      description: null,
      keyPrefix: `lk_abc${String(n).padStart(2, '0')}`,
      createdBy,
      issuedBy: createdBy,
      createdAt,
      ageDays: Math.max(0, Math.floor((Date.now() - Date.parse(createdAt)) / 86_400_000)),
      lastUsedAt: null,
      expiresAt: null,
      status: 'active',
      usageCount: 0,
      scopes: ['*'],
      rights: null,
      resources: [],
      purpose: 'integration',
      autoRenewal: null,
      ageWarning: 'none',
      replacesTokenId: null,
      replacedByTokenId: null,
      technicalOwner: null,
      ...fields,
    };
    this.tokens.push(token);
    return token;
  }

  readonly fetch = async (input: Request): Promise<Response> => {
    if (!(input instanceof Request)) throw new Error('openapi-fetch passes a Request');
    const url = new URL(input.url);
    const text = input.method === 'GET' ? '' : await input.text();
    const body: unknown = text ? (JSON.parse(text) as unknown) : undefined;
    this.requests.push({ method: input.method, path: url.pathname, query: url.searchParams, body });
    if (this.failNext && this.failNext.method === input.method && this.failNext.path.test(url.pathname)) {
      const { status, problem } = this.failNext;
      this.failNext = null;
      return json(status, { status, ...problem }, 'application/problem+json');
    }
    if (url.pathname === '/v1/tenant/policy') {
      if (input.method === 'PATCH') this.policy = { ...this.policy, ...(body as object) };
      return json(200, this.policy);
    }
    if (url.pathname === '/v1/tenant/applications') {
      if (input.method === 'PUT')
        this.applications = (body as { applications: Schemas['ApplicationDto'][] }).applications;
      return json(200, { applications: this.applications, defaultRights: this.policy.defaultRights });
    }
    if (input.method === 'GET' && url.pathname === '/v1/tokens')
      return json(200, this.list(url.searchParams));
    if (input.method === 'POST' && url.pathname === '/v1/tokens') {
      const created = this.token({ ...(body as Partial<Token>), createdAt: new Date().toISOString() });
      const warnings = this.createWarnings;
      this.createWarnings = [];
      return json(201, { ...created, token: 'lk_' + 'S'.repeat(43) + 'CRC123', warnings });
    }
    const one = /^\/v1\/tokens\/([^/]+)$/.exec(url.pathname);
    const found = one && this.tokens.find((t) => t.id === one[1]);
    if (input.method === 'GET' && found) return json(200, found);
    const reveal = /^\/v1\/tokens\/([^/]+)\/reveal$/.exec(url.pathname);
    if (input.method === 'POST' && reveal) {
      const plaintext = this.recoverable[reveal[1] ?? ''];
      if (plaintext === undefined) {
        const problem = { title: 'Conflict', status: 409, code: 'TOKEN_NOT_RECOVERABLE' };
        return json(409, problem, 'application/problem+json');
      }
      return json(200, { id: reveal[1], token: plaintext, revealedAt: new Date().toISOString() });
    }
    const history = /^\/v1\/tokens\/([^/]+)\/renewals$/.exec(url.pathname);
    if (input.method === 'GET' && history) return json(200, { items: this.renewals.get(history[1]) ?? [] });
    const redeem = /^\/v1\/tokens\/([^/]+)\/renewals\/([^/]+)\/redeem$/.exec(url.pathname);
    const offer = redeem && this.renewals.get(redeem[1])?.find((o) => o.id === redeem[2]);
    if (input.method === 'POST' && redeem && offer) {
      const old = this.tokens.find((t) => t.id === redeem[1])!;
      offer.status = 'redeemed';
      const successor = this.token({ name: old.name, replacesTokenId: old.id });
      old.replacedByTokenId = successor.id;
      return json(201, {
        token: 'lk_' + 'R'.repeat(43) + 'CRC456',
        id: successor.id,
        name: successor.name,
        keyPrefix: successor.keyPrefix,
        expiresAt: null,
        scopes: successor.scopes,
        resources: successor.resources,
        replaces: { id: old.id, endsAt: new Date(Date.now() + 86_400_000).toISOString() },
      });
    }
    const impact = /^\/v1\/tokens\/([^/]+)\/impact$/.exec(url.pathname);
    if (input.method === 'GET' && impact) {
      return json(200, this.impacts.get(impact[1]) ?? unusedImpact(impact[1]));
    }
    const usage = /^\/v1\/tokens\/([^/]+)\/usage$/.exec(url.pathname);
    if (input.method === 'GET' && usage) {
      return json(
        200,
        this.usages.get(usage[1]) ?? emptyUsage(usage[1], url.searchParams.get('granularity')),
      );
    }
    if (input.method === 'GET' && url.pathname === '/v1/members') return json(200, { items: this.members });
    if (input.method === 'POST' && url.pathname === '/v1/tokens/bulk-revoke') {
      return this.bulkRevoke(body as Schemas['BulkRevokeDto']);
    }
    const revoke = /^\/v1\/tokens\/([^/]+)\/revoke$/.exec(url.pathname);
    if (input.method === 'POST' && revoke) {
      const token = this.tokens.find((t) => t.id === revoke[1]);
      if (!token)
        return json(
          404,
          { title: 'Not Found', status: 404, code: 'TOKEN_NOT_FOUND' },
          'application/problem+json',
        );
      token.status = 'revoked';
      return json(200, token);
    }
    return json(404, { title: 'Not Found', status: 404, code: 'NOT_FOUND' }, 'application/problem+json');
  };

  /** As the issuer: by ids, an outcome each; by creator, all their live tokens if the count is right. */
  private bulkRevoke(body: Schemas['BulkRevokeDto']): Response {
    const live = (t: Token) => t.status === 'active' || t.status === 'owner_inactive';
    if (body.createdBy !== undefined) {
      const theirs = this.tokens.filter((t) => t.createdBy.id === body.createdBy && live(t));
      if (theirs.length !== body.expectedCount) {
        const problem = {
          title: 'Conflict',
          status: 409,
          code: 'BULK_REVOKE_COUNT_MISMATCH',
          detail: `This person has ${theirs.length} live tokens you may revoke now, not ${body.expectedCount}.`,
          count: theirs.length,
        };
        return json(409, problem, 'application/problem+json');
      }
      theirs.forEach((t) => (t.status = 'revoked'));
      return json(200, {
        results: theirs.map((t) => ({ tokenId: t.id, outcome: 'revoked' })),
        revoked: theirs.length,
      });
    }
    const results = (body.ids ?? []).map((id) => {
      const token = this.tokens.find((t) => t.id === id);
      if (!token) return { tokenId: id, outcome: 'not_found', code: 'TOKEN_NOT_FOUND' };
      if (token.status === 'revoked')
        return { tokenId: id, outcome: 'already_revoked', code: 'TOKEN_ALREADY_REVOKED' };
      token.status = 'revoked';
      return { tokenId: id, outcome: 'revoked' };
    });
    return json(200, { results, revoked: results.filter((r) => r.outcome === 'revoked').length });
  }

  private list(query: URLSearchParams) {
    const page = Number(query.get('page') ?? 1);
    const pageSize = Number(query.get('pageSize') ?? 15);
    const sort = query.get('sort') ?? 'createdAt';
    const order = query.get('order') ?? 'desc';
    const name = query.get('name')?.toLowerCase();
    const status = query.get('status');
    const createdBy = query.get('createdBy');
    const unusedForDays = query.get('unusedForDays');
    const cutoff = unusedForDays
      ? new Date(Date.now() - Number(unusedForDays) * 86_400_000).toISOString()
      : null;
    let items = this.tokens.filter(
      (t) =>
        (!name || t.name.toLowerCase().includes(name)) &&
        (!status || t.status === status) &&
        (!createdBy || t.createdBy.id === createdBy) &&
        (!cutoff || (t.lastUsedAt ?? t.createdAt) < cutoff),
    );
    items = [...items].sort((a, b) => {
      // By last use, never used counts as the oldest use ('' sorts first).
      const by =
        sort === 'name'
          ? a.name.localeCompare(b.name)
          : sort === 'lastUsedAt'
            ? (a.lastUsedAt ?? '').localeCompare(b.lastUsedAt ?? '')
            : a.createdAt.localeCompare(b.createdAt);
      return order === 'asc' ? by : -by;
    });
    return {
      items: items.slice((page - 1) * pageSize, page * pageSize),
      page,
      pageSize,
      total: items.length,
    };
  }
}

function json(status: number, body: unknown, type = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}

const NO_VERDICTS = { total: 0, ok: 0, refused: 0, byReason: {} };

/** What the issuer answers for a token never verified: 30 empty days, no successor, nothing pending. */
export function unusedImpact(tokenId: string): Schemas['TokenImpactResponse'] {
  const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  return {
    tokenId,
    status: 'active',
    lastUsedAt: null,
    verificationsPerDay: Array.from({ length: 30 }, (_, i) => ({
      day: new Date(today - (29 - i) * 86_400_000).toISOString(),
      ok: 0,
      refused: 0,
    })),
    last30Days: NO_VERDICTS,
    callers: [],
    successor: null,
    pendingRenewalOffers: [],
    autoRenewal: false,
    warnings: [],
  };
}

function emptyUsage(tokenId: string, granularity: string | null): Schemas['TokenUsageResponse'] {
  const size = granularity === 'day' ? 86_400_000 : granularity === 'minute' ? 60_000 : 3_600_000;
  const count = granularity === 'day' ? 30 : granularity === 'minute' ? 60 : 24;
  const to = Math.ceil((Date.now() + 1) / size) * size;
  return {
    tokenId,
    granularity: granularity === 'day' || granularity === 'minute' ? granularity : 'hour',
    from: new Date(to - count * size).toISOString(),
    to: new Date(to).toISOString(),
    buckets: Array.from({ length: count }, (_, i) => ({
      start: new Date(to - (count - i) * size).toISOString(),
      ...NO_VERDICTS,
    })),
    totals: NO_VERDICTS,
    callers: [],
  };
}
