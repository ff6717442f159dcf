import { ActionIcon, Button, Card, Group, Radio, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useApi } from '../api/ApiProvider';
import { type Schemas, unwrap } from '../api/client';
import { useAuth } from '../auth/AuthProvider';
import { Loading, ProblemAlert } from '../components/common';
import { useTokenCatalog } from './tokens/TokenRightsFields';

type Application = Schemas['ApplicationDto'];
type Rights = Schemas['ApplicationsResponse']['defaultRights'];

/**
 * The tenant's applications catalog (seed 003's drop-down; owners and admins keep it) and the rights
 * preset new tokens get by default (seed 002: "Grant the least"; owners choose).
 */
export function ApplicationsCard() {
  const api = useApi();
  const { session } = useAuth();
  const owner = session?.role === 'owner';
  const queryClient = useQueryClient();
  const catalog = useTokenCatalog();
  const [draft, setDraft] = useState<Application[] | null>(null);
  const [rights, setRights] = useState<Rights>('read');
  const [newId, setNewId] = useState('');
  const [newName, setNewName] = useState('');
  useEffect(() => {
    if (catalog.data) {
      setDraft(catalog.data.applications);
      setRights(catalog.data.defaultRights);
    }
  }, [catalog.data]);
  const saveCatalog = useMutation({
    mutationFn: async (applications: Application[]) =>
      unwrap(await api.PUT('/v1/tenant/applications', { body: { applications } })),
    onSuccess: (data) => queryClient.setQueryData(['token-catalog'], data),
  });
  const saveRights = useMutation({
    mutationFn: async (defaultRights: Rights) =>
      unwrap(await api.PATCH('/v1/tenant/policy', { body: { defaultRights } })),
    onSuccess: async (data) => {
      queryClient.setQueryData(['policy'], data);
      await queryClient.invalidateQueries({ queryKey: ['token-catalog'] });
    },
  });
  if (catalog.isPending || !draft) {
    return catalog.error ? (
      <ProblemAlert error={catalog.error} title="The applications could not be loaded" />
    ) : (
      <Loading label="Loading the applications…" />
    );
  }
  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!newId.trim() || !newName.trim()) return;
    setDraft([...draft, { id: newId.trim(), name: newName.trim() }]);
    setNewId('');
    setNewName('');
  };
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          Applications and default rights
        </Title>
        <Radio.Group
          label="Rights a new token gets unless its creator chooses"
          value={rights}
          onChange={(value) => setRights(value)}
        >
          <Group mt="xs">
            <Radio value="read" label="Read only (recommended)" disabled={!owner} />
            <Radio value="read_write" label="Read & write" disabled={!owner} />
          </Group>
        </Radio.Group>
        <ProblemAlert error={saveRights.error} title="The default rights were not changed" />
        {owner ? (
          <Group>
            <Button variant="light" onClick={() => saveRights.mutate(rights)} loading={saveRights.isPending}>
              Save default rights
            </Button>
            {saveRights.isSuccess && (
              <Text size="sm" c="teal.9" role="status">
                Saved.
              </Text>
            )}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            Only owners change the default rights.
          </Text>
        )}
        <Text size="sm">
          Tokens can be restricted to these applications or projects. While the list is empty, any resource id
          is accepted; once it has entries, only its ids are.
        </Text>
        {draft.length > 0 && (
          <Table aria-label="Applications">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Id</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {draft.map((application) => (
                <Table.Tr key={application.id}>
                  <Table.Td>{application.id}</Table.Td>
                  <Table.Td>{application.name}</Table.Td>
                  <Table.Td>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Remove ${application.name}`}
                      onClick={() => setDraft(draft.filter((a) => a.id !== application.id))}
                    >
                      ×
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <form onSubmit={add} noValidate>
          <Group align="end">
            <TextInput
              label="Application id"
              value={newId}
              onChange={(e) => setNewId(e.currentTarget.value)}
            />
            <TextInput
              label="Display name"
              value={newName}
              onChange={(e) => setNewName(e.currentTarget.value)}
            />
            <Button type="submit" variant="default" disabled={!newId.trim() || !newName.trim()}>
              Add
            </Button>
          </Group>
        </form>
        <ProblemAlert error={saveCatalog.error} title="The applications were not saved" />
        <Group>
          <Button onClick={() => saveCatalog.mutate(draft)} loading={saveCatalog.isPending}>
            Save applications
          </Button>
          {saveCatalog.isSuccess && (
            <Text size="sm" c="teal.9" role="status">
              Applications saved.
            </Text>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
