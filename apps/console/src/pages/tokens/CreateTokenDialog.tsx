import { Button, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useApi } from '../../api/ApiProvider';
import { type CreatedToken, type Schemas, type Token, unwrap } from '../../api/client';
import { ProblemAlert } from '../../components/common';
import { TechnicalOwnerFields, useTechnicalOwnerForm } from './TechnicalOwner';
import { AutoRenewalFields, useAutoRenewalForm } from './AutoRenewalFields';
import { RevealToken } from './RevealToken';
import { TokenRightsFields, useTokenRightsForm } from './TokenRightsFields';

export const NAME_MAX = 128;
const EXPIRY_CHOICES = [
  { value: '30d', label: '30 days' },
  { value: '60d', label: '60 days' },
  { value: '90d', label: '90 days' },
  { value: '1y', label: '1 year' },
  { value: 'never', label: 'Never' },
  { value: 'date', label: 'On a date…' },
];

type Purpose = Token['purpose'];

/** Create an API token, then show its plaintext once (seeds 000, 002, 003, 004). */
export function CreateTokenDialog({
  opened,
  onClose,
  purpose: fixedPurpose,
}: {
  opened: boolean;
  onClose: () => void;
  purpose?: Purpose;
}) {
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const close = () => {
    setCreated(null); // nothing of the plaintext outlives the dialog
    onClose();
  };
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? 'Your new API token' : 'Create API token'}
      size="lg"
      closeOnClickOutside={!created}
    >
      {created ? (
        <RevealToken
          plaintext={created.token}
          name={created.name}
          warnings={created.warnings}
          onDone={close}
        />
      ) : (
        <CreateTokenForm onCreated={setCreated} onCancel={close} fixedPurpose={fixedPurpose} />
      )}
    </Modal>
  );
}

function CreateTokenForm({
  onCreated,
  onCancel,
  fixedPurpose,
}: {
  onCreated: (token: CreatedToken) => void;
  onCancel: () => void;
  fixedPurpose?: Purpose;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [purpose, setPurpose] = useState<Purpose>(fixedPurpose ?? 'integration');
  const [expiry, setExpiry] = useState<string>(fixedPurpose === 'agent' ? '90d' : '90d');
  const [expiryDate, setExpiryDate] = useState('');
  const rights = useTokenRightsForm();
  const autoRenewal = useAutoRenewalForm(null);
  const technicalOwner = useTechnicalOwnerForm(null);

  const create = useMutation({
    mutationFn: async () => {
      const body: Schemas['CreateTokenDto'] = { name: name.trim(), purpose };
      if (description.trim()) body.description = description.trim();
      if (expiry === 'date') body.expiresAt = new Date(`${expiryDate}T23:59:59Z`).toISOString();
      else body.expiresIn = expiry as Schemas['CreateTokenDto']['expiresIn'];
      rights.applyTo(body);
      const renewal = autoRenewal.value();
      if (renewal) body.autoRenewal = renewal;
      const owner = technicalOwner.value();
      if (owner) body.technicalOwner = owner;
      return unwrap(await api.POST('/v1/tokens', { body }));
    },
    onSuccess: async (token) => {
      onCreated(token);
      await queryClient.invalidateQueries({ queryKey: ['tokens'] });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <ProblemAlert error={create.error} title="The token was not created" />
        <TextInput
          label="Token name"
          required
          data-autofocus
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          maxLength={NAME_MAX}
          description={`${name.length}/${NAME_MAX} — e.g. prod-main-app, staging-api, crm-integration`}
        />
        <Textarea
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          autosize
          minRows={2}
        />
        <Group grow align="start">
          {!fixedPurpose && (
            <Select
              label="Purpose"
              data={[
                { value: 'integration', label: 'Integration' },
                { value: 'agent', label: 'AI agent (90-day default)' },
              ]}
              value={purpose}
              allowDeselect={false}
              onChange={(v) => {
                const next = v ?? 'integration';
                setPurpose(next);
                if (next === 'agent') setExpiry('90d');
              }}
            />
          )}
          <Select
            label="Expiration"
            data={EXPIRY_CHOICES}
            value={expiry}
            allowDeselect={false}
            onChange={(v) => setExpiry(v ?? '90d')}
          />
          {expiry === 'date' && (
            <TextInput
              label="Expires on"
              type="date"
              required
              value={expiryDate}
              onChange={(e) => setExpiryDate(e.currentTarget.value)}
            />
          )}
        </Group>
        <TokenRightsFields form={rights} />
        <TechnicalOwnerFields form={technicalOwner} />
        <AutoRenewalFields form={autoRenewal} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending} disabled={name.trim().length === 0}>
            Create token
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
