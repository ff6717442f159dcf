/*
 * The plans live in libs/contracts: the verifier refuses the tokens of a tenant whose plan has no API
 * access, by the same list.
 */
export {
  apiAccessPlansSetting,
  isTenantPlan,
  parsePlanList,
  TENANT_PLANS,
  type TenantPlan,
} from '@latchkey/contracts';
