import { Button, Group, Modal, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../api/ApiProvider';
import { type Member, unwrap } from '../api/client';
import { useAuth } from '../auth/AuthProvider';
import { Loading, ProblemAlert, RelativeTime } from '../components/common';

type Role = Member['role'];
const ROLES = [
  { value: 'owner', label: 'Owner' },
  { value: 'admin', label: 'Admin' },
  { value: 'member', label: 'Member' },
];

/** Members (owners and admins): list, change role, remove — with the effect on their tokens stated first. */
export function MembersPage() {
  const api = useApi();
  const { session } = useAuth();
  const queryClient = useQueryClient();
  const [change, setChange] = useState<{ member: Member; role: Role } | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const members = useQuery({
    queryKey: ['members'],
    queryFn: async () => unwrap(await api.GET('/v1/members')),
  });
  const done = async () => {
    await queryClient.invalidateQueries({ queryKey: ['members'] });
    await queryClient.invalidateQueries({ queryKey: ['tokens'] });
    setChange(null);
    setRemoving(null);
  };
  const updateRole = useMutation({
    mutationFn: async ({ member, role }: { member: Member; role: Role }) =>
      unwrap(
        await api.PATCH('/v1/members/{userId}', {
          params: { path: { userId: member.userId } },
          body: { role },
        }),
      ),
    onSuccess: done,
  });
  const remove = useMutation({
    mutationFn: async (member: Member) =>
      unwrap(await api.DELETE('/v1/members/{userId}', { params: { path: { userId: member.userId } } })),
    onSuccess: done,
  });

  return (
    <Stack>
      <Title order={1} size="h2">
        Members
      </Title>
      <Text size="sm" c="dimmed">
        A token acts with the role of the person who created it: changing a member’s role changes what their
        tokens can do, and removing a member stops their tokens.
      </Text>
      <ProblemAlert error={members.error} title="The members could not be loaded" />
      {members.isPending ? (
        <Loading label="Loading members…" />
      ) : members.data && members.data.items.length === 0 ? (
        <Text c="dimmed">No members yet: people appear here when they first sign in.</Text>
      ) : (
        <Table aria-label="Members" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>User</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Last seen</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.data?.items.map((member) => {
              const self = member.userId === session?.userId;
              const removed = member.status === 'removed';
              return (
                <Table.Tr key={member.userId}>
                  <Table.Td>{member.userId}</Table.Td>
                  <Table.Td>{member.email ?? '—'}</Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={`Role of ${member.userId}`}
                      data={ROLES}
                      value={member.role}
                      allowDeselect={false}
                      disabled={self || removed}
                      onChange={(role) =>
                        role && role !== member.role && setChange({ member, role: role as Role })
                      }
                      w={140}
                    />
                  </Table.Td>
                  <Table.Td>{removed ? 'Removed' : 'Active'}</Table.Td>
                  <Table.Td>
                    <RelativeTime iso={member.lastSeenAt} />
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      color="red"
                      variant="light"
                      disabled={self || removed}
                      onClick={() => setRemoving(member)}
                    >
                      Remove
                    </Button>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <Modal
        opened={change !== null}
        onClose={() => {
          updateRole.reset();
          setChange(null);
        }}
        title="Change role"
      >
        {change && (
          <Stack>
            <Text>
              Make <b>{change.member.userId}</b> {change.role === 'admin' ? 'an' : 'a'} <b>{change.role}</b>?
            </Text>
            <Text size="sm">
              Their tokens keep working and from now on carry the permissions of the new role
              {change.role === 'member'
                ? ': read scopes only, and they will see only their own tokens.'
                : '.'}
            </Text>
            <ProblemAlert error={updateRole.error} title="The role was not changed" />
            <Group justify="flex-end">
              <Button
                variant="default"
                onClick={() => {
                  updateRole.reset();
                  setChange(null);
                }}
              >
                Cancel
              </Button>
              <Button loading={updateRole.isPending} onClick={() => updateRole.mutate(change)}>
                Change role
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
      <Modal
        opened={removing !== null}
        onClose={() => {
          remove.reset();
          setRemoving(null);
        }}
        title="Remove member"
      >
        {removing && (
          <Stack>
            <Text>
              Remove <b>{removing.userId}</b> from this tenant?
            </Text>
            <Text size="sm" fw={700} c="red.8">
              Every token they created stops working at once, and their pending auto-renewals are cancelled.
            </Text>
            <ProblemAlert error={remove.error} title="The member was not removed" />
            <Group justify="flex-end">
              <Button
                variant="default"
                onClick={() => {
                  remove.reset();
                  setRemoving(null);
                }}
              >
                Cancel
              </Button>
              <Button color="red" loading={remove.isPending} onClick={() => remove.mutate(removing)}>
                Remove member
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
