import { Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../api/ApiProvider';
import { ApiError, type Schemas, type Token, unwrap } from '../../api/client';
import { ProblemAlert } from '../../components/common';

/** What a bulk revoke ends: the rows chosen, or every live token of one person (offboarding). */
export type BulkRevokeTarget =
  { kind: 'ids'; tokens: Token[] } | { kind: 'creator'; createdBy: string; label: string; count: number };

type BulkRevokeResult = Schemas['BulkRevokeResponse'];

/**
 * The one confirmation of a bulk revoke. By creator, the confirmation carries the count shown; if the
 * person's live tokens number differently by then, the issuer revokes nothing (409) and the dialog asks
 * again with the new count.
 */
export function BulkRevokeDialog({
  target,
  onClose,
  onDone,
}: {
  target: BulkRevokeTarget | null;
  onClose: () => void;
  onDone: (result: BulkRevokeResult) => void;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [recounted, setRecounted] = useState<number | null>(null);
  const count = target?.kind === 'ids' ? target.tokens.length : (recounted ?? target?.count ?? 0);
  const revoke = useMutation({
    mutationFn: async (body: Schemas['BulkRevokeDto']) =>
      unwrap(await api.POST('/v1/tokens/bulk-revoke', { body })),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: ['tokens'] });
      await queryClient.invalidateQueries({ queryKey: ['token'] });
      onDone(result);
      close();
    },
    onError: (error) => {
      const latest = error instanceof ApiError ? (error.problem as { count?: unknown }).count : undefined;
      if (typeof latest === 'number') setRecounted(latest);
    },
  });
  const close = () => {
    revoke.reset();
    setRecounted(null);
    onClose();
  };
  const confirm = () => {
    if (!target) return;
    revoke.mutate(
      target.kind === 'ids'
        ? { ids: target.tokens.map((t) => t.id) }
        : { createdBy: target.createdBy, expectedCount: count },
    );
  };
  const plural = `${count} token${count === 1 ? '' : 's'}`;
  return (
    <Modal opened={target !== null} onClose={close} title={`Revoke ${plural}`}>
      {target && (
        <Stack>
          {target.kind === 'ids' ? (
            <>
              <Text>
                Revoke these {plural}? Requests authenticated with them fail from the moment you confirm.
              </Text>
              <List size="sm" spacing={2} aria-label="Tokens to revoke">
                {target.tokens.map((t) => (
                  <List.Item key={t.id}>
                    <b>{t.name}</b>{' '}
                    <Text span ff="monospace" size="sm">
                      ({t.keyPrefix}…)
                    </Text>
                  </List.Item>
                ))}
              </List>
            </>
          ) : (
            <Text>
              Revoke all <b>{plural}</b> that <b>{target.label}</b> created and that are still live? Requests
              authenticated with them fail from the moment you confirm.
            </Text>
          )}
          <Text fw={700} c="red.8">
            Revocation cannot be undone. Each owner is told; each revocation is recorded in the audit log.
          </Text>
          <ProblemAlert error={revoke.error} title="Nothing was revoked" />
          <Group justify="flex-end">
            <Button variant="default" onClick={close} data-autofocus>
              Cancel
            </Button>
            <Button color="red" loading={revoke.isPending} onClick={confirm} disabled={count === 0}>
              Revoke {plural}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
