import { Alert, Group, List, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { Schemas, Token } from '../../api/client';

type TechnicalOwner = Schemas['TechnicalOwnerDto'];

/** Who a token's technical owner is, for sentences: "Platform team (platform@acme.test)". */
export function technicalOwnerLabel(owner: Token['technicalOwner']): string {
  if (!owner) return 'the technical owner';
  return owner.name ? `${owner.name} (${owner.email})` : owner.email;
}

/**
 * The technical-owner inputs of the create and edit forms (seed 004: the person or team using the key,
 * told before it is rotated and mailed when it is rotated or revoked). The issuer validates the address.
 */
export function useTechnicalOwnerForm(initial: Token['technicalOwner'] | null) {
  const [email, setEmail] = useState(initial?.email ?? '');
  const [name, setName] = useState(initial?.name ?? '');
  return {
    email,
    setEmail,
    name,
    setName,
    /** What to send: null when no address is given (none, or removed on edit). */
    value(): TechnicalOwner | null {
      if (!email.trim()) return null;
      return { email: email.trim(), name: name.trim() || null };
    },
  };
}

export function TechnicalOwnerFields({ form }: { form: ReturnType<typeof useTechnicalOwnerForm> }) {
  return (
    <Group grow align="start">
      <TextInput
        label="Technical owner (e-mail)"
        type="email"
        placeholder="platform-team@example.com"
        description="Who uses this key; mailed when it is rotated or revoked. Optional."
        value={form.email}
        onChange={(e) => form.setEmail(e.currentTarget.value)}
        maxLength={254}
      />
      <TextInput
        label="Technical owner (person or team)"
        placeholder="Platform team"
        value={form.name}
        onChange={(e) => form.setName(e.currentTarget.value)}
        maxLength={128}
        disabled={!form.email.trim()}
      />
    </Group>
  );
}

/** Seed 004's handoff before a rotation, naming the token's technical owner when it has one. */
export function RotateChecklist({ token }: { token: Token }) {
  const who = technicalOwnerLabel(token.technicalOwner);
  return (
    <List size="sm">
      <List.Item>Tell {who} before rotating.</List.Item>
      <List.Item>
        Rotate the key, then copy and deliver the new key through your approved secure process.
      </List.Item>
      <List.Item>Ask {who} to confirm the update is complete.</List.Item>
    </List>
  );
}

/** Seed 004's checks before a revocation. */
export function RevokeChecklist({ token }: { token: Token }) {
  return (
    <List size="sm">
      <List.Item>Confirm the key is no longer needed.</List.Item>
      <List.Item>Confirm any replacement key is already in use.</List.Item>
      <List.Item>Check with {technicalOwnerLabel(token.technicalOwner)} if you are unsure.</List.Item>
    </List>
  );
}

/** Whether Latchkey will mail the technical owner, said where the action is confirmed. */
export function TechnicalOwnerNotice({ token, action }: { token: Token; action: 'rotated' | 'revoked' }) {
  if (!token.technicalOwner) {
    return (
      <Text size="sm" c="dimmed">
        This token names no technical owner, so nobody is mailed when it is {action}.
      </Text>
    );
  }
  return (
    <Text size="sm">
      Latchkey mails {technicalOwnerLabel(token.technicalOwner)} once the token is {action}.
    </Text>
  );
}

/** The detail page's coordination checklist (seed 004), for a token that can still be rotated or revoked. */
export function CoordinationChecklist({ token }: { token: Token }) {
  return (
    <section aria-label="Coordination checklist">
      <Alert color="blue" title="Coordinate with the technical owner">
        <Text size="sm" fw={700} mt={4}>
          Before rotating
        </Text>
        <RotateChecklist token={token} />
        <Text size="sm" fw={700} mt="xs">
          Before revoking
        </Text>
        <RevokeChecklist token={token} />
        <Text size="sm" mt="xs" c="dimmed">
          {token.technicalOwner
            ? `Latchkey mails ${technicalOwnerLabel(token.technicalOwner)} when this token is rotated or revoked.`
            : 'No technical owner is named: edit the token to add one, and Latchkey mails them when it is rotated or revoked.'}
        </Text>
      </Alert>
    </section>
  );
}
