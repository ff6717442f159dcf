import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/ApiProvider';
import { type Schemas, type Token, unwrap } from '../../api/client';
import { useAuth } from '../../auth/AuthProvider';
import type { Session } from '../../auth/session';

type TenantPolicy = Schemas['TenantPolicyResponse'];

/**
 * Whether the tenant's governance policy lets this person revoke the token: everyone may revoke their
 * own; under `agent_tokens_only` (seed 002) another person's token only if it is an agent token. The
 * issuer decides (403 `POLICY_REVOCATION_AGENT_TOKENS_ONLY`); the console only hides what it would refuse.
 */
export function mayRevoke(policy: TenantPolicy | undefined, session: Session | null, token: Token): boolean {
  if (token.createdBy.id === session?.userId) return true;
  return policy?.adminRevocation !== 'agent_tokens_only' || token.purpose === 'agent';
}

/** `mayRevoke` for the signed-in person, with the tenant's policy (every role reads it). */
export function useMayRevoke(): (token: Token) => boolean {
  const api = useApi();
  const { session } = useAuth();
  const policy = useQuery({
    queryKey: ['policy'],
    queryFn: async () => unwrap(await api.GET('/v1/tenant/policy')),
  });
  return (token) => mayRevoke(policy.data, session, token);
}
