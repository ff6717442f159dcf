import { Alert, Button, Group, Modal, Radio, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useApi } from '../../api/ApiProvider';
import { type Schemas, type Token, unwrap } from '../../api/client';
import { ProblemAlert } from '../../components/common';
import { navigate } from '../../lib/router';
import { shortDate } from '../../lib/time';
import { AutoRenewalFields, useAutoRenewalForm } from './AutoRenewalFields';
import { RevealToken } from './RevealToken';
import {
  RotateChecklist,
  TechnicalOwnerFields,
  TechnicalOwnerNotice,
  useTechnicalOwnerForm,
} from './TechnicalOwner';

type Replaced = Schemas['ReplacedTokenResponse'];

function useRefreshTokens() {
  const queryClient = useQueryClient();
  return async () => {
    await queryClient.invalidateQueries({ queryKey: ['tokens'] });
    await queryClient.invalidateQueries({ queryKey: ['token'] });
  };
}

/**
 * A rotation or renewal: sends it, keeps the new token (shown once) until the dialog closes, and on
 * close forgets it and opens the new token's page.
 */
function useReplacement(send: (id: string) => Promise<Replaced>, onClose: () => void) {
  const refresh = useRefreshTokens();
  const [result, setResult] = useState<Replaced | null>(null);
  const mutation = useMutation({
    mutationFn: send,
    onSuccess: async (replaced: Replaced) => {
      setResult(replaced);
      await refresh();
    },
  });
  const close = () => {
    const next = result?.id;
    setResult(null);
    mutation.reset();
    onClose();
    if (next) navigate(`/tokens/${next}`);
  };
  return { mutation, result, close };
}

/** Edit (seed 003): description, auto renewal and its mail recipient only; name and expiry are fixed. */
export function EditTokenDialog({ token, onClose }: { token: Token | null; onClose: () => void }) {
  return (
    <Modal opened={token !== null} onClose={onClose} title="Edit token" size="lg">
      {token && <EditForm token={token} onClose={onClose} />}
    </Modal>
  );
}

function EditForm({ token, onClose }: { token: Token; onClose: () => void }) {
  const api = useApi();
  const refresh = useRefreshTokens();
  const [description, setDescription] = useState(token.description ?? '');
  const autoRenewal = useAutoRenewalForm(token.autoRenewal);
  const technicalOwner = useTechnicalOwnerForm(token.technicalOwner);
  const save = useMutation({
    mutationFn: async () => {
      const body: Schemas['UpdateTokenDto'] = {
        description: description.trim() || null,
        autoRenewal: autoRenewal.value(),
        technicalOwner: technicalOwner.value(),
      };
      return unwrap(await api.PATCH('/v1/tokens/{id}', { params: { path: { id: token.id } }, body }));
    },
    onSuccess: async () => {
      await refresh();
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit}>
      <Stack>
        <TextInput label="Name" value={token.name} readOnly disabled />
        <TextInput label="Expires" value={shortDate(token.expiresAt)} readOnly disabled />
        <Alert color="gray">
          The name and the expiry cannot be changed. To change them, revoke the token and create a new one.
        </Alert>
        <Textarea
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          autosize
          minRows={2}
        />
        <TechnicalOwnerFields form={technicalOwner} />
        <AutoRenewalFields form={autoRenewal} />
        <ProblemAlert error={save.error} title="The token was not changed" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

const GRACE = [
  { value: 'now', label: 'Now — the old token stops at once' },
  { value: '1h', label: 'In 1 hour' },
  { value: '24h', label: 'In 24 hours' },
  { value: '7d', label: 'In 7 days' },
];

/** Rotate (seed 004): a new secret; the old one keeps working for the chosen grace. */
export function RotateTokenDialog({ token, onClose }: { token: Token | null; onClose: () => void }) {
  const api = useApi();
  const [grace, setGrace] = useState<Schemas['RotateTokenDto']['oldTokenExpiresIn']>('24h');
  const {
    mutation: rotate,
    result,
    close,
  } = useReplacement(
    async (id) =>
      unwrap(
        await api.POST('/v1/tokens/{id}/rotate', {
          params: { path: { id } },
          body: { oldTokenExpiresIn: grace },
        }),
      ),
    onClose,
  );
  return (
    <Modal
      opened={token !== null}
      onClose={close}
      title={result ? 'Your rotated token' : 'Rotate token'}
      size="lg"
      closeOnClickOutside={!result}
    >
      {result ? (
        <RevealToken plaintext={result.token} name={result.name} warnings={result.warnings} onDone={close} />
      ) : (
        token && (
          <Stack>
            <Alert color="blue" title="Coordinate before rotating">
              <RotateChecklist token={token} />
            </Alert>
            <TechnicalOwnerNotice token={token} action="rotated" />
            <Radio.Group
              label="When does the current token stop working?"
              value={grace}
              onChange={(v) => setGrace(v)}
            >
              <Stack gap={6} mt="xs">
                {GRACE.map((g) => (
                  <Radio key={g.value} value={g.value} label={g.label} />
                ))}
              </Stack>
            </Radio.Group>
            <ProblemAlert error={rotate.error} title="The token was not rotated" />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button loading={rotate.isPending} onClick={() => rotate.mutate(token.id)}>
                Rotate token
              </Button>
            </Group>
          </Stack>
        )
      )}
    </Modal>
  );
}

/** Renew (seed 003): the end date of the existing token, the name and description of the new one. */
export function RenewTokenDialog({ token, onClose }: { token: Token | null; onClose: () => void }) {
  const api = useApi();
  const [endsOn, setEndsOn] = useState(() =>
    new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
  );
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const {
    mutation: renew,
    result,
    close,
  } = useReplacement(async (id) => {
    const body: Schemas['RenewTokenDto'] = {
      name: name.trim(),
      oldTokenEndsAt: new Date(`${endsOn}T23:59:59Z`).toISOString(),
    };
    if (description.trim()) body.description = description.trim();
    return unwrap(await api.POST('/v1/tokens/{id}/renew', { params: { path: { id } }, body }));
  }, onClose);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token) renew.mutate(token.id);
  };
  return (
    <Modal
      opened={token !== null}
      onClose={close}
      title={result ? 'Your renewed token' : 'Renew token'}
      size="lg"
      closeOnClickOutside={!result}
    >
      {result ? (
        <RevealToken plaintext={result.token} name={result.name} warnings={result.warnings} onDone={close} />
      ) : (
        <form onSubmit={submit}>
          <Stack>
            <TextInput
              label="End date of the existing token"
              type="date"
              required
              value={endsOn}
              onChange={(e) => setEndsOn(e.currentTarget.value)}
            />
            <TextInput
              label="Name of the new token"
              required
              maxLength={128}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <Textarea
              label="Description"
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              autosize
              minRows={2}
            />
            <ProblemAlert error={renew.error} title="The token was not renewed" />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={renew.isPending} disabled={!name.trim()}>
                Renew token
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
