import { REDEEM_PATH, type RenewalCallbackBody } from '@latchkey/contracts';
import { SIGNATURE_HEADER, signPayload } from '@latchkey/callback-signing';

/** Who is calling, as the receiver sees it in `User-Agent`. */
export const CALLBACK_USER_AGENT = 'Latchkey-Callbacks/1';
/** Repeats the body's `deliveryId`, so receivers can de-duplicate before parsing. */
export const DELIVERY_ID_HEADER = 'latchkey-delivery-id';

/**
 * The `Latchkey-Signature` value for a body sent to `destinationUrl` at `timestamp` (unix seconds) with
 * every secret that may sign now: `t=<t>,v1=<hex>,v2=<hex>[,v1=…,v2=…]`, one `v1` and one `v2` (which
 * also covers the URL) per secret in the order given. While a secret is being rotated, receivers holding
 * either the old or the new one can verify.
 */
export function signatureHeader(
  body: string,
  secrets: readonly string[],
  timestamp: number,
  destinationUrl: string,
): string {
  if (secrets.length === 0) throw new TypeError('at least one signing secret is required');
  const signatures = secrets.map((secret) => {
    const single = signPayload(body, secret, timestamp, destinationUrl);
    return single.slice(single.indexOf(',') + 1);
  });
  return [`t=${timestamp}`, ...signatures].join(',');
}

/** The exact bytes sent to the receiver; the signature covers them, so they are built once, here. */
export function callbackBody(fields: Omit<RenewalCallbackBody, 'type'>): string {
  const body: RenewalCallbackBody = {
    type: 'token.renewal_available',
    deliveryId: fields.deliveryId,
    offerId: fields.offerId,
    tokenId: fields.tokenId,
    key: fields.key,
    redeemBy: fields.redeemBy,
    redeemUrl: fields.redeemUrl,
  };
  return JSON.stringify(body);
}

/** The public redeem endpoint under the issuer's public base URL. */
export function redeemUrl(publicUrl: string): string {
  return publicUrl.replace(/\/+$/, '') + REDEEM_PATH;
}

export function callbackHeaders(signature: string, deliveryId: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': CALLBACK_USER_AGENT,
    [SIGNATURE_HEADER]: signature,
    [DELIVERY_ID_HEADER]: deliveryId,
  };
}
