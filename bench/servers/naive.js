// @ts-check
/**
 * The naive alternative: a bare node:http server that hashes the token with SHA-256 and runs one
 * Postgres query per request, with no cache at all. DATABASE_URL names the benchmark's database.
 */
const { createHash } = require('node:crypto');
const { createServer } = require('node:http');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const QUERY =
  'SELECT id, tenant_id, created_by, expires_at, revoked_at, scopes, resources FROM tokens WHERE token_hash = $1';

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} value */
function send(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    let token;
    try {
      token = JSON.parse(Buffer.concat(chunks).toString('utf8')).token;
    } catch {
      send(res, 400, { code: 'INVALID_JSON' });
      return;
    }
    if (typeof token !== 'string' || token.length === 0) {
      send(res, 400, { code: 'VALIDATION_FAILED' });
      return;
    }
    try {
      const hash = createHash('sha256').update(token, 'utf8').digest('hex');
      const { rows } = await pool.query(QUERY, [hash]);
      const row = rows[0];
      if (!row) return send(res, 200, { valid: false, reason: 'NOT_FOUND' });
      if (row.revoked_at) return send(res, 200, { valid: false, reason: 'REVOKED' });
      if (row.expires_at && row.expires_at <= new Date())
        return send(res, 200, { valid: false, reason: 'EXPIRED' });
      send(res, 200, {
        valid: true,
        reason: 'OK',
        tokenId: row.id,
        tenantId: row.tenant_id,
        ownerId: row.created_by,
        expiresAt: row.expires_at ? row.expires_at.toISOString() : null,
        effectivePermissions: row.scopes,
        resources: row.resources,
      });
    } catch {
      send(res, 503, { code: 'UNAVAILABLE' });
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`READY ${address.port}\n`);
});
