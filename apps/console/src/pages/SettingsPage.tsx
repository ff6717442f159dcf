import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  CopyButton,
  Group,
  NumberInput,
  Radio,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApi } from '../api/ApiProvider';
import { type Schemas, unwrap } from '../api/client';
import { isManager, useAuth } from '../auth/AuthProvider';
import { Loading, ProblemAlert } from '../components/common';
import { exactTime } from '../lib/time';
import { ApplicationsCard } from './ApplicationsCard';
import { IdlePolicyCard } from './IdlePolicyCard';
import { RecoverableTokensCard } from './RecoverableTokensCard';

/**
 * Tenant settings: plan (seed 004's "Upgrade required"), token policy, governance policy (who issues,
 * who sees whose, what admins revoke), the idle policy and expiry reminder days, callback signing secrets.
 */
export function SettingsPage() {
  const { session } = useAuth();
  return (
    <Stack>
      <Title order={1} size="h2">
        Tenant settings
      </Title>
      {isManager(session) ? (
        <>
          <PolicyCard />
          <GovernanceCard />
          <RecoverableTokensCard />
          <IdlePolicyCard />
          <ApplicationsCard />
          <SigningSecretsCard />
        </>
      ) : (
        <Alert color="gray" title="Owners and admins manage these settings">
          Ask an owner of your tenant to change the token policy or the callback signing secrets.
        </Alert>
      )}
    </Stack>
  );
}

function PolicyCard() {
  const api = useApi();
  const queryClient = useQueryClient();
  const policy = useQuery({
    queryKey: ['policy'],
    queryFn: async () => unwrap(await api.GET('/v1/tenant/policy')),
  });
  const [requireExpiry, setRequireExpiry] = useState(false);
  const [maxDays, setMaxDays] = useState<number | string>('');
  useEffect(() => {
    if (policy.data) {
      setRequireExpiry(policy.data.requireExpiry);
      setMaxDays(policy.data.maxLifetimeDays ?? '');
    }
  }, [policy.data]);
  const save = useMutation({
    mutationFn: async () => {
      const body: Schemas['UpdateTenantPolicyDto'] = {
        requireExpiry,
        maxLifetimeDays: maxDays === '' ? null : Number(maxDays),
      };
      return unwrap(await api.PATCH('/v1/tenant/policy', { body }));
    },
    onSuccess: (data) => queryClient.setQueryData(['policy'], data),
  });
  if (policy.isPending) return <Loading label="Loading the policy…" />;
  if (policy.error) return <ProblemAlert error={policy.error} title="The policy could not be loaded" />;
  const p = policy.data;
  return (
    <Card withBorder>
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            Plan and token policy
          </Title>
          <Badge variant="light" size="lg">
            {p.plan} plan
          </Badge>
        </Group>
        {!p.apiAccess && (
          <Alert color="orange" title="Upgrade required" role="alert">
            Your plan does not include API access: upgrade to create, rotate or renew API tokens.
          </Alert>
        )}
        <Checkbox
          label="Every new token must have an expiry"
          checked={requireExpiry}
          onChange={(e) => setRequireExpiry(e.currentTarget.checked)}
        />
        <NumberInput
          label="Maximum lifetime of a new token (days)"
          description="Empty: no limit."
          min={1}
          value={maxDays}
          onChange={setMaxDays}
          w={320}
        />
        <ProblemAlert error={save.error} title="The policy was not changed" />
        {save.isSuccess && (
          <Text size="sm" c="teal.9" role="status">
            Saved.
          </Text>
        )}
        <Group>
          <Button onClick={() => save.mutate()} loading={save.isPending}>
            Save policy
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

type TenantPolicy = Schemas['TenantPolicyResponse'];
type Governance = Pick<TenantPolicy, 'tokenIssuance' | 'tokenVisibility' | 'adminRevocation'>;

interface Choice<V extends string> {
  value: V;
  label: string;
  /** The seed's own words, where a seed chose this rule. */
  help: string;
}

/** The three governance choices, each value with the words of the seed that chose it. */
const GOVERNANCE_CHOICES: {
  [K in keyof Governance]: { legend: string; choices: Choice<Governance[K]>[] };
} = {
  tokenIssuance: {
    legend: 'Who may issue tokens',
    choices: [
      {
        value: 'all_members',
        label: 'Every member',
        help: 'Any member can create, rotate and renew their own tokens.',
      },
      {
        value: 'admins_only',
        label: 'Owners and admins only',
        help:
          '“Available to admins only.” “Only authorized workspace users should create, rotate, or revoke ' +
          'API keys.” Members can still revoke their own tokens.',
      },
    ],
  },
  tokenVisibility: {
    legend: 'Who sees and manages whose tokens',
    choices: [
      {
        value: 'admins_see_all',
        label: 'Owners and admins see every token',
        help: '“Admins see all tokens issued for the tenant, regardless of which admin created them.” Members see their own.',
      },
      {
        value: 'own_tokens_only',
        label: 'Everyone manages only their own tokens',
        help: '“You can only manage tokens you created. You cannot view or revoke tokens belonging to other users.” Owners included.',
      },
    ],
  },
  adminRevocation: {
    legend: 'What admins may revoke',
    choices: [
      {
        value: 'any_token',
        label: 'Any token',
        help: 'Owners and admins can revoke any token they see.',
      },
      {
        value: 'agent_tokens_only',
        label: 'Only members’ agent tokens',
        help: '“Your general tokens are yours alone. Agent connections are the exception.”',
      },
    ],
  },
};

const GOVERNANCE_FIELDS = ['tokenIssuance', 'tokenVisibility', 'adminRevocation'] as const;

/** The governance policy: owners choose, admins read (the issuer enforces it on every token call). */
function GovernanceCard() {
  const api = useApi();
  const { session } = useAuth();
  const queryClient = useQueryClient();
  const owner = session?.role === 'owner';
  const policy = useQuery({
    queryKey: ['policy'],
    queryFn: async () => unwrap(await api.GET('/v1/tenant/policy')),
  });
  const [draft, setDraft] = useState<Governance | null>(null);
  useEffect(() => {
    if (policy.data) {
      const { tokenIssuance, tokenVisibility, adminRevocation } = policy.data;
      setDraft({ tokenIssuance, tokenVisibility, adminRevocation });
    }
  }, [policy.data]);
  const save = useMutation({
    mutationFn: async (body: Governance) => unwrap(await api.PATCH('/v1/tenant/policy', { body })),
    onSuccess: (data) => queryClient.setQueryData(['policy'], data),
  });
  if (policy.isPending || !draft) {
    return policy.error ? (
      <ProblemAlert error={policy.error} title="The governance policy could not be loaded" />
    ) : (
      <Loading label="Loading the governance policy…" />
    );
  }
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          Who may issue, see and revoke tokens
        </Title>
        {!owner && (
          <Text size="sm" c="dimmed">
            Only owners change these choices.
          </Text>
        )}
        {GOVERNANCE_FIELDS.map((field) => {
          const { legend, choices } = GOVERNANCE_CHOICES[field];
          return (
            <Radio.Group
              key={field}
              label={legend}
              value={draft[field]}
              onChange={(value) => setDraft({ ...draft, [field]: value })}
            >
              <Stack gap="xs" mt="xs">
                {choices.map((choice) => (
                  <Radio
                    key={choice.value}
                    value={choice.value}
                    label={choice.label}
                    description={choice.help}
                    disabled={!owner}
                  />
                ))}
              </Stack>
            </Radio.Group>
          );
        })}
        <ProblemAlert error={save.error} title="The governance policy was not changed" />
        {save.isSuccess && (
          <Text size="sm" c="teal.9" role="status">
            Saved.
          </Text>
        )}
        {owner && (
          <Group>
            <Button onClick={() => save.mutate(draft)} loading={save.isPending}>
              Save governance policy
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}

function SigningSecretsCard() {
  const api = useApi();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<Schemas['CreatedSigningSecretResponse'] | null>(null);
  const secrets = useQuery({
    queryKey: ['signing-secrets'],
    queryFn: async () => unwrap(await api.GET('/v1/tenant/signing-secrets')),
  });
  const create = useMutation({
    mutationFn: async () => unwrap(await api.POST('/v1/tenant/signing-secrets')),
    onSuccess: async (secret) => {
      setCreated(secret);
      await queryClient.invalidateQueries({ queryKey: ['signing-secrets'] });
    },
  });
  const items = secrets.data?.items ?? [];
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          Callback signing secrets
        </Title>
        <Text size="sm" c="dimmed">
          Renewal callbacks carry a Latchkey-Signature made with this secret. Rotating keeps the previous
          secret signing beside the new one for a grace period.
        </Text>
        <ProblemAlert error={secrets.error ?? create.error} title="Signing secrets" />
        {secrets.isPending ? (
          <Loading />
        ) : items.length === 0 ? (
          <Text size="sm">No signing secret yet: auto-renewal needs one.</Text>
        ) : (
          <Table aria-label="Signing secrets">
            <Table.Tbody>
              {items.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Code>{s.secretPrefix}…</Code>
                  </Table.Td>
                  <Table.Td>created {exactTime(s.createdAt)}</Table.Td>
                  <Table.Td>{s.retiresAt ? `retires ${exactTime(s.retiresAt)}` : 'current'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {created && (
          <Alert color="yellow" title="Copy this secret now: it is not shown again" role="alert">
            <Stack gap="xs">
              <Code block style={{ wordBreak: 'break-all' }}>
                {created.secret}
              </Code>
              <Group>
                <CopyButton value={created.secret}>
                  {({ copied, copy }) => (
                    <Button size="xs" onClick={copy}>
                      {copied ? 'Copied' : 'Copy'}
                    </Button>
                  )}
                </CopyButton>
                <Button size="xs" variant="default" onClick={() => setCreated(null)}>
                  Done
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        <Group>
          <Button variant="default" onClick={() => create.mutate()} loading={create.isPending}>
            {items.length === 0 ? 'Create signing secret' : 'Rotate signing secret'}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
