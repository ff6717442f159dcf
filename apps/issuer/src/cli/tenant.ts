import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source';
import { Tenant } from '../tenants/tenant.entity';
import { isTenantPlan, parsePlanList, TENANT_PLANS, type TenantPlan } from '../tenants/tenant-plan';
import { setTenantPlan } from '../tenants/tenants.repository';
import { txFor } from '../database/transaction';
import { CacheEpochs } from '../infrastructure/cache-epochs';
import { InvalidationAcks } from '../infrastructure/invalidation-acks';
import {
  RedisVerifierCacheStore,
  VerifierCacheWriter,
  withCacheOutageFallback,
} from '../infrastructure/verifier-cache';
import { createRedis, env, loadConfig } from '@latchkey/service-runtime';
import { z } from 'zod';

const USAGE = `usage: node apps/issuer/dist/cli/tenant.js <command> --tenant <id> [options]

Operator commands for tenant plans (tenants cannot change their own plan). Uses DATABASE_URL; set-plan
also REDIS_URL and CACHE_SIGNING_KEY (the issuer's), to tell every verifier before it returns.

commands:
  set-plan --tenant <id> --plan <${TENANT_PLANS.join('|')}>   set a tenant's plan (creates the tenant if new)
  show     --tenant <id>                                     print a tenant's plan and token policy

exit status: 0 done, 1 failed (or, for show, no such tenant yet), 2 bad arguments`;

class UsageError extends Error {}

type Command = { name: 'set-plan'; tenant: string; plan: TenantPlan } | { name: 'show'; tenant: string };

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        tenant: { type: 'string' },
        plan: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function parseCommand(argv: string[]): Command | 'help' {
  const { values, positionals } = parseOptions(argv);
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError('give exactly one command: set-plan or show');
  const [name] = positionals;
  const tenant = values.tenant?.trim();
  if (!tenant) throw new UsageError('--tenant <id> is required');
  if (tenant.length > 255) throw new UsageError('--tenant must be at most 255 characters');
  switch (name) {
    case 'set-plan': {
      if (values.plan === undefined) throw new UsageError('--plan is required for set-plan');
      if (!isTenantPlan(values.plan)) {
        throw new UsageError(`unknown plan "${values.plan}" (plans are ${TENANT_PLANS.join(', ')})`);
      }
      return { name, tenant, plan: values.plan };
    }
    case 'show':
      if (values.plan !== undefined) throw new UsageError('--plan is only for set-plan');
      return { name, tenant };
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}

/** Which plans have API access, as the issuer reads it (API_ACCESS_PLANS, default team,enterprise). */
function apiAccessPlans(): TenantPlan[] {
  try {
    return parsePlanList(process.env.API_ACCESS_PLANS || 'team,enterprise');
  } catch (error) {
    throw new UsageError(`bad API_ACCESS_PLANS: ${(error as Error).message}`);
  }
}

function describe(tenant: Tenant, plans: readonly TenantPlan[]): string {
  return [
    `tenant: ${tenant.id}`,
    `plan: ${tenant.plan}`,
    `apiAccess: ${plans.includes(tenant.plan)}`,
    `requireExpiry: ${tenant.requireExpiry}`,
    `maxLifetimeDays: ${tenant.maxLifetimeDays ?? 'none'}`,
    `createdAt: ${tenant.createdAt.toISOString()}`,
    `updatedAt: ${tenant.updatedAt.toISOString()}`,
  ].join('\n');
}

/** What set-plan needs to tell the verifiers (the issuer's own settings, from the same environment). */
const cacheSettings = z.object({
  REDIS_URL: env.url('Redis connection string of the verifiers’ cache (set-plan tells the verifiers)'),
  REDIS_KEY_PREFIX: env.textWithDefault('latchkey:', 'namespace for every Redis key'),
  CACHE_SIGNING_KEY: env.cacheSigningKey(),
  TOKEN_CACHE_TTL_SECONDS: env.positiveInt(300, 'lifetime of the cache entries written'),
  REDIS_REPLICA_ACK_TIMEOUT_MS: env.durationMs(500, 'wait for a Redis replica’s acknowledgement'),
  CACHE_LEASE_MS: env.durationMs(2_000, 'verifier cache lease'),
});

/**
 * Sets the plan and, in the same transaction before it commits, tells every verifier (as a revocation
 * does: the tenant's entry, an invalidation, the leaseholders' acknowledgements), so a plan without API
 * access stops the tenant's tokens as soon as this returns. Redis unreachable: the cache epoch is bumped
 * instead and this returns one lease after the commit.
 */
async function setPlanEverywhere(dataSource: DataSource, tenantId: string, plan: TenantPlan) {
  const config = loadConfig(cacheSettings, process.env);
  const redis = createRedis(config.REDIS_URL, 'latchkey-issuer-cli', {
    commandTimeoutMs: Math.max(1_000, config.REDIS_REPLICA_ACK_TIMEOUT_MS + 500),
  });
  const acks = new InvalidationAcks(redis, config);
  await acks.onModuleInit();
  const writer = new VerifierCacheWriter(
    new RedisVerifierCacheStore(redis, config),
    config,
    new CacheEpochs(dataSource),
    acks,
  );
  try {
    return await withCacheOutageFallback(
      (cacheUnreachable) =>
        dataSource.transaction(async (manager) => {
          const changed = await setTenantPlan(manager, tenantId, plan);
          await writer.propagate(Object.assign(txFor(manager), { cacheUnreachable }), {
            tenants: [{ tenantId, state: { found: true, plan } }],
          });
          return changed;
        }),
      () => writer.outlastLeases(),
    );
  } finally {
    await acks.onApplicationShutdown();
    await redis.quit().catch(() => redis.disconnect());
  }
}

async function main(): Promise<void> {
  let command: Command | 'help';
  let plans: TenantPlan[];
  try {
    command = parseCommand(process.argv.slice(2));
    plans = apiAccessPlans();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`tenant: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (command === 'help') {
    console.log(USAGE);
    return;
  }
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('missing DATABASE_URL (PostgreSQL connection string of the issuer database)');
    process.exit(2);
  }
  const dataSource = new DataSource(dataSourceOptions(url));
  await dataSource.initialize();
  try {
    switch (command.name) {
      case 'set-plan': {
        const { previousPlan, tenant } = await setPlanEverywhere(dataSource, command.tenant, command.plan);
        const was = previousPlan === null ? 'new tenant' : `was ${previousPlan}`;
        console.log(`tenant ${tenant.id}: plan ${tenant.plan} (${was})\n${describe(tenant, plans)}`);
        break;
      }
      case 'show': {
        const tenant = await dataSource.manager.findOneBy(Tenant, { id: command.tenant });
        if (!tenant) {
          console.error(
            `tenant ${command.tenant}: not seen yet; it gets DEFAULT_TENANT_PLAN (team unless configured) ` +
              'when it is first needed, or set one with set-plan',
          );
          process.exitCode = 1;
          break;
        }
        console.log(describe(tenant, plans));
        break;
      }
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error('tenant:', error instanceof Error ? error.message : error);
  process.exit(1);
});
