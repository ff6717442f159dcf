import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/ApiProvider';
import { type Token, unwrap } from '../../api/client';
import { ProblemAlert } from '../../components/common';
import { RevokeImpact } from './RevokeImpact';
import { TechnicalOwnerNotice } from './TechnicalOwner';

/** Revoke with confirmation: irreversible (seeds 000, 003, 004). */
export function RevokeTokenDialog({ token, onClose }: { token: Token | null; onClose: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: async (id: string) =>
      unwrap(await api.POST('/v1/tokens/{id}/revoke', { params: { path: { id } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['tokens'] });
      await queryClient.invalidateQueries({ queryKey: ['token'] });
      close();
    },
  });
  const close = () => {
    revoke.reset();
    onClose();
  };
  return (
    <Modal opened={token !== null} onClose={close} title="Revoke token">
      {token && (
        <Stack>
          <Text>
            Revoke <b>{token.name}</b> (
            <Text span ff="monospace">
              {token.keyPrefix}…
            </Text>
            )? Requests authenticated with it fail from the moment you confirm.
          </Text>
          <Text fw={700} c="red.8">
            Revocation cannot be undone. To restore access, create a new token.
          </Text>
          <RevokeImpact token={token} />
          <TechnicalOwnerNotice token={token} action="revoked" />
          <ProblemAlert error={revoke.error} title="The token was not revoked" />
          <Group justify="flex-end">
            <Button variant="default" onClick={close} data-autofocus>
              Cancel
            </Button>
            <Button color="red" loading={revoke.isPending} onClick={() => revoke.mutate(token.id)}>
              Revoke token
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
