import { Alert, Button, Group, Modal, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../api/ApiProvider';
import { type Schemas, type Token, unwrap } from '../../api/client';
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
  });
  const close = () => {
    const next = renewed?.id;
    setRenewed(null);
    redeem.reset();
    if (next) navigate(`/tokens/${next}`);
  };
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
      <Modal opened={renewed !== null} onClose={close} title="Renewed token" size="lg">
        {renewed && <RevealToken plaintext={renewed.token} name={renewed.name} onDone={close} />}
      </Modal>
    </>
  );
}
