import { Anchor, Button, Card, Center, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useApi } from '../api/ApiProvider';
import { unwrap } from '../api/client';
import { ProblemAlert } from '../components/common';
import { Link } from '../lib/router';
import { RevealToken } from './tokens/RevealToken';

/** Redeem a renewal key (seed 003) without writing code: the key is the credential, no sign-in needed. */
export function RedeemPage() {
  const api = useApi();
  const [key, setKey] = useState('');
  const [plaintext, setPlaintext] = useState<{ token: string; name: string } | null>(null);
  const redeem = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/apiAccessTokens/requestRenewedToken', { body: { key: key.trim() } })),
    onSuccess: (renewed) => {
      setKey('');
      setPlaintext({ token: renewed.token, name: renewed.name });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    redeem.mutate();
  };
  return (
    <Center mih="100vh" bg="gray.0" component="main">
      <Card withBorder shadow="sm" w={560} padding="xl">
        <Stack>
          <Title order={1} size="h2">
            Redeem a renewal key
          </Title>
          {plaintext ? (
            <RevealToken
              plaintext={plaintext.token}
              name={plaintext.name}
              onDone={() => setPlaintext(null)}
            />
          ) : (
            <form onSubmit={submit}>
              <Stack>
                <Text size="sm">
                  Paste the key from the renewal callback. It can be redeemed once, within its window; the old
                  token keeps working for a grace period afterwards.
                </Text>
                <TextInput
                  label="Renewal key"
                  required
                  value={key}
                  onChange={(e) => setKey(e.currentTarget.value)}
                  autoComplete="off"
                />
                <ProblemAlert error={redeem.error} title="The key was not redeemed" />
                <Button type="submit" loading={redeem.isPending} disabled={!key.trim()}>
                  Redeem
                </Button>
              </Stack>
            </form>
          )}
          <Anchor component={Link} to="/" size="sm">
            Back to the console
          </Anchor>
        </Stack>
      </Card>
    </Center>
  );
}
