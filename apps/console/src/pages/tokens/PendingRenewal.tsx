import { Alert, Button, Group, Modal, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../api/ApiProvider';
import { ApiError, type Schemas, type Token, unwrap } from '../../api/client';
import { useAuth } from '../../auth/AuthProvider';
import { ProblemAlert } from '../../components/common';
import { navigate } from '../../lib/router';
import { exactTime } from '../../lib/time';
import { RevealToken } from './RevealToken';

type Offer = Schemas['RenewalHistoryResponse']['items'][number];
type Renewed = Schemas['RenewedTokenResponse'];

/** The offer the owner can still redeem: pending, with its window not over. */
export function redeemableOffer(offers: readonly Offer[], now = Date.now()): Offer | undefined {
  return offers.find((offer) => offer.status === 'pending' && Date.parse(offer.windowEndsAt) > now);
}

/**
 * A renewal waiting on the token's page (seed 003, auto-renewal without a callback): the mail recipient
 * was told and links here; the token's owner redeems it within the window and sees the renewed token
 * once. Others only see that a renewal is waiting for the owner.
 */
export function PendingRenewal({ token, offers }: { token: Token; offers: readonly Offer[] }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const { session } = useAuth();
  const [renewed, setRenewed] = useState<Renewed | null>(null);
  const redeem = useMutation({
    mutationFn: async (offerId: string) =>
      unwrap(
        await api.POST('/v1/tokens/{id}/renewals/{offerId}/redeem', {
          params: { path: { id: token.id, offerId } },
        }),
      ),
    onSuccess: async (result) => {
      setRenewed(result);
      await queryClient.invalidateQueries({ queryKey: ['tokens'] });
      await queryClient.invalidateQueries({ queryKey: ['token'] });
    },
    // Refused (the window ended meanwhile, or it was redeemed elsewhere): the history shows why.
    onError: () => queryClient.invalidateQueries({ queryKey: ['token', token.id, 'renewals'] }),
  });
  const close = () => {
    const next = renewed?.id;
    setRenewed(null);
    redeem.reset();
    if (next) navigate(`/tokens/${next}`);
  };
  // Judged at every render: once the window has ended, the offer is no longer shown as waiting.
  const offer = redeemableOffer(offers);
  const isOwner = token.createdBy.id === session?.userId;
  return (
    <>
      {offer && (
        <Alert color="blue" title="A renewal is waiting" role="status">
          <Text size="sm">
            This token’s automatic renewal can be redeemed until {exactTime(offer.windowEndsAt)}. The renewed
            token is shown once; the current one keeps working for a grace period.
          </Text>
          {isOwner ? (
            <Group mt="sm">
              <Button loading={redeem.isPending} onClick={() => redeem.mutate(offer.id)}>
                Redeem renewal
              </Button>
            </Group>
          ) : (
            <Text size="sm" mt="xs">
              Only the token’s owner can redeem it.
            </Text>
          )}
          <ProblemAlert error={redeem.error} title="The renewal was not redeemed" />
        </Alert>
      )}
      {/* A click after the window's end: the waiting notice is gone, the issuer's answer says why. */}
      {!offer && redeem.error && (
        <Alert color="red" title="The renewal was not redeemed" role="alert">
          <Text size="sm">{redeem.error.message}</Text>
          {redeem.error instanceof ApiError && redeem.error.problem.code && (
            <Text size="xs" c="dimmed" mt={4}>
              {redeem.error.problem.code}
            </Text>
          )}
        </Alert>
      )}
      <Modal opened={renewed !== null} onClose={close} title="Renewed token" size="lg">
        {renewed && <RevealToken plaintext={renewed.token} name={renewed.name} onDone={close} />}
      </Modal>
    </>
  );
}
