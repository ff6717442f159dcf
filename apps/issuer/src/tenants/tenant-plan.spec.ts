import { loadIssuerConfig } from '../config';
import { parsePlanList } from './tenant-plan';

describe('plan lists', () => {
  it('parses a comma-separated list, ignoring blanks and repeats', () => {
    expect(parsePlanList(' team, enterprise,,team ')).toEqual(['team', 'enterprise']);
  });

  it('names an unknown plan', () => {
    expect(() => parsePlanList('team,gold')).toThrow(/unknown plan gold/);
  });

  describe('issuer configuration', () => {
    const base = {
      DATABASE_URL: 'postgresql://db/latchkey',
      REDIS_URL: 'redis://127.0.0.1:6379',
      KAFKA_BROKERS: '127.0.0.1:9092',
      CACHE_SIGNING_KEY: 'a-cache-signing-key-of-at-least-32-chars',
      ADMIN_JWT_SECRET: 'a-development-secret-of-at-least-32-chars',
      INTERNAL_API_SECRET: 'an-internal-secret-of-at-least-32-chars',
      SIGNING_SECRET_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    };

    it('gives API access to team and enterprise, and new tenants the team plan, by default', () => {
      expect(loadIssuerConfig(base)).toMatchObject({
        API_ACCESS_PLANS: ['team', 'enterprise'],
        DEFAULT_TENANT_PLAN: 'team',
      });
    });

    it('reads both variables', () => {
      expect(
        loadIssuerConfig({ ...base, API_ACCESS_PLANS: 'enterprise', DEFAULT_TENANT_PLAN: 'free' }),
      ).toMatchObject({ API_ACCESS_PLANS: ['enterprise'], DEFAULT_TENANT_PLAN: 'free' });
    });

    it('stops on an unknown plan, naming the variable', () => {
      expect(() => loadIssuerConfig({ ...base, API_ACCESS_PLANS: 'team,gold' })).toThrow(
        /bad API_ACCESS_PLANS: unknown plan gold/,
      );
      expect(() => loadIssuerConfig({ ...base, DEFAULT_TENANT_PLAN: 'gold' })).toThrow(
        /bad DEFAULT_TENANT_PLAN/,
      );
    });
  });
});
