import { MultiSelect, Radio, Stack, TagsInput, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../api/ApiProvider';
import { type Schemas, unwrap } from '../../api/client';
import { useAuth } from '../../auth/AuthProvider';

/** Suggestions only: the issuer's catalog (TOKEN_SCOPE_CATALOG) decides, and says so in its error. */
const SCOPE_SUGGESTIONS = [
  'projects:read',
  'projects:write',
  'tasks:read',
  'tasks:write',
  'applications:read',
  'applications:write',
];

export type RightsChoice = Schemas['ApplicationsResponse']['defaultRights'] | 'custom';

/** The tenant's applications catalog and default rights preset, readable by every role. */
export function useTokenCatalog() {
  const api = useApi();
  return useQuery({
    queryKey: ['token-catalog'],
    queryFn: async () => unwrap(await api.GET('/v1/tenant/applications')),
  });
}

/**
 * What a new token may do and where (seed 003: "Rights determine if the token allows to read & write or
 * only to read"; "Determine Applications by using the drop-down menu"): a preset, the tenant's default
 * preselected, or custom scopes; the catalog's applications, or free-form resource ids while it is empty.
 */
export function useTokenRightsForm() {
  const catalog = useTokenCatalog();
  const [choice, setChoice] = useState<RightsChoice | null>(null);
  const [scopes, setScopes] = useState<string[]>([]);
  const [resources, setResources] = useState<string[]>([]);
  const rights: RightsChoice = choice ?? catalog.data?.defaultRights ?? 'read';
  return {
    catalog,
    rights,
    setRights: setChoice,
    scopes,
    setScopes,
    resources,
    setResources,
    /** Puts the choice into a create request: a preset, or custom scopes (none: `*`, all you can do). */
    applyTo(body: Schemas['CreateTokenDto']): void {
      if (rights === 'custom') body.scopes = scopes.length ? scopes : ['*'];
      else body.rights = rights;
      if (resources.length) body.resources = resources;
    },
  };
}

export function TokenRightsFields({ form }: { form: ReturnType<typeof useTokenRightsForm> }) {
  const { session } = useAuth();
  const member = session?.role === 'member';
  const applications = form.catalog.data?.applications ?? [];
  return (
    <Stack gap="sm">
      <Radio.Group
        label="Rights"
        description="Grant the least the integration needs."
        required
        value={form.rights}
        onChange={(value) => form.setRights(value)}
      >
        <Stack gap="xs" mt="xs">
          <Radio value="read" label="Read only" description="Every read scope." />
          <Radio
            value="read_write"
            label="Read & write"
            description={member ? 'Your role can only read.' : 'Every scope.'}
            disabled={member}
          />
          <Radio value="custom" label="Custom scopes" description="Choose the scopes yourself." />
        </Stack>
      </Radio.Group>
      {form.rights === 'custom' && (
        <TagsInput
          label="Scopes"
          description="Leave empty for every scope your role allows; a token never does more than you can."
          data={SCOPE_SUGGESTIONS}
          value={form.scopes}
          onChange={form.setScopes}
          clearable
        />
      )}
      {applications.length > 0 ? (
        <MultiSelect
          label="Applications"
          description="Leave empty for all applications."
          data={applications.map((a) => ({ value: a.id, label: a.name }))}
          value={form.resources}
          onChange={form.setResources}
          searchable
          clearable
        />
      ) : (
        <>
          <TagsInput
            label="Resources"
            description="Optionally restrict the token to these projects or applications (press Enter after each)."
            value={form.resources}
            onChange={form.setResources}
            clearable
          />
          {form.catalog.isError && (
            <Text size="sm" c="dimmed">
              The applications catalog could not be loaded.
            </Text>
          )}
        </>
      )}
    </Stack>
  );
}
