import { Checkbox, NumberInput, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { Schemas } from '../../api/client';

type AutoRenewal = NonNullable<Schemas['CreateTokenDto']['autoRenewal']>;

/**
 * The auto-renewal part of a token form (seed 003): on/off, every N days, an optional callback URL, the
 * mail recipient. Without a callback URL the recipient is required: they are told when a renewal is
 * ready, and the owner redeems it on the token's page.
 */
export function useAutoRenewalForm(initial: Partial<AutoRenewal> | null) {
  const [enabled, setEnabled] = useState(initial !== null);
  const [everyDays, setEveryDays] = useState<number | string>(initial?.everyDays ?? 30);
  const [callbackUrl, setCallbackUrl] = useState(initial?.callbackUrl ?? '');
  const [mailRecipient, setMailRecipient] = useState(initial?.mailRecipient ?? '');
  return {
    enabled,
    setEnabled,
    everyDays,
    setEveryDays,
    callbackUrl,
    setCallbackUrl,
    mailRecipient,
    setMailRecipient,
    /** What the API takes: the settings, or null when auto-renewal is off. */
    value(): AutoRenewal | null {
      if (!enabled) return null;
      return {
        everyDays: Number(everyDays),
        // Optional (seed 003): without it, the recipient is told and the owner redeems here.
        callbackUrl: callbackUrl.trim() || null,
        mailRecipient: mailRecipient.trim() || null,
      };
    },
  };
}

export type AutoRenewalForm = ReturnType<typeof useAutoRenewalForm>;

export function AutoRenewalFields({ form }: { form: AutoRenewalForm }) {
  return (
    <>
      <Checkbox
        label="Auto renewal every N days"
        checked={form.enabled}
        onChange={(e) => form.setEnabled(e.currentTarget.checked)}
      />
      {form.enabled && (
        <Stack gap="xs" pl="lg">
          <NumberInput
            label="Renew every (days)"
            min={1}
            value={form.everyDays}
            onChange={form.setEveryDays}
            required
          />
          <TextInput
            label="Callback URL"
            description="Optional. Receives a signed renewal key to redeem within the redeem window. Leave it empty to redeem renewals here in the console."
            type="url"
            value={form.callbackUrl}
            onChange={(e) => form.setCallbackUrl(e.currentTarget.value)}
          />
          <TextInput
            label="Renewal mail recipient"
            description={
              form.callbackUrl.trim()
                ? 'Told when the token was renewed or its callback fails.'
                : 'Told when a renewal is ready to redeem in the console (required without a callback URL).'
            }
            type="email"
            required={!form.callbackUrl.trim()}
            value={form.mailRecipient}
            onChange={(e) => form.setMailRecipient(e.currentTarget.value)}
          />
        </Stack>
      )}
    </>
  );
}
