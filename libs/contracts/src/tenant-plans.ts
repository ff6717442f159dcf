import { z } from 'zod';

/**
 * The commercial plans a tenant can be on. Only the operator sets a tenant's plan (the `tenant` CLI);
 * which plans include API access is configuration (API_ACCESS_PLANS).
 */
export const TENANT_PLANS = ['free', 'team', 'enterprise'] as const;
export type TenantPlan = (typeof TENANT_PLANS)[number];

export function isTenantPlan(value: string): value is TenantPlan {
  return (TENANT_PLANS as readonly string[]).includes(value);
}

/** Parses a comma-separated list of plans ("team, enterprise"); throws naming any unknown plan. */
export function parsePlanList(text: string): TenantPlan[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !isTenantPlan(name));
  if (unknown.length > 0) {
    throw new Error(`unknown plan ${unknown.join(', ')} (plans are ${TENANT_PLANS.join(', ')})`);
  }
  return [...new Set(names as TenantPlan[])];
}

/** The setting naming the plans with API access (API_ACCESS_PLANS), the same in issuer and verifier. */
export function apiAccessPlansSetting() {
  return z
    .string()
    .default('team,enterprise')
    .transform((text, ctx) => {
      try {
        return parsePlanList(text);
      } catch (error) {
        ctx.addIssue((error as Error).message);
        return z.NEVER;
      }
    })
    .describe(`comma-separated plans that include API access (of ${TENANT_PLANS.join(', ')})`);
}
