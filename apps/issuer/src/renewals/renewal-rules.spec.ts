import type { Token } from '../tokens/token.entity';
import {
  displayedStatus,
  offerTimes,
  oldTokenEnd,
  openOfferRefusal,
  redeemRefusal,
  windowEnded,
} from './renewal-rules';
import { RenewalErrorCode } from './renewals.errors';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-03-01T10:00:00.000Z');
const SEED = { RENEWAL_REDEEM_WINDOW_MS: 2 * HOUR, RENEWAL_RECALLBACK_DELAY_MS: DAY };

const at = (ms: number) => new Date(NOW.getTime() + ms);

type Renewable = Parameters<typeof openOfferRefusal>[0];
const renewable = (changes: Partial<Token> = {}): Renewable => ({
  status: 'active',
  expiresAt: at(30 * DAY),
  renewalEveryDays: 7,
  renewalCallbackUrl: 'https://receiver.example/renewals',
  replacedByTokenId: null,
  renewalNextAt: NOW,
  ...changes,
});

describe('offer windows (seed 003)', () => {
  it('lets a key be redeemed for 2 hours and schedules the next callback 24 hours after that', () => {
    const { windowEndsAt, nextRenewalAt } = offerTimes(NOW, SEED);
    expect(windowEndsAt.toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(nextRenewalAt.toISOString()).toBe('2026-03-02T12:00:00.000Z');
  });

  it('follows the configured durations', () => {
    const { windowEndsAt, nextRenewalAt } = offerTimes(NOW, {
      RENEWAL_REDEEM_WINDOW_MS: 500,
      RENEWAL_RECALLBACK_DELAY_MS: 1_000,
    });
    expect(windowEndsAt).toEqual(at(500));
    expect(nextRenewalAt).toEqual(at(1_500));
  });

  it('closes the window at its end, not a millisecond later', () => {
    const offer = { windowEndsAt: at(2 * HOUR) };
    expect(windowEnded(offer, at(2 * HOUR - 1))).toBe(false);
    expect(windowEnded(offer, at(2 * HOUR))).toBe(true);
  });

  it('shows a pending offer whose window has ended as expired, and other states as they are', () => {
    const ended = at(-1);
    const open = at(1);
    expect(displayedStatus({ status: 'pending', windowEndsAt: open }, NOW)).toBe('pending');
    expect(displayedStatus({ status: 'pending', windowEndsAt: ended }, NOW)).toBe('expired');
    expect(displayedStatus({ status: 'redeemed', windowEndsAt: ended }, NOW)).toBe('redeemed');
    expect(displayedStatus({ status: 'cancelled', windowEndsAt: open }, NOW)).toBe('cancelled');
  });
});

describe('opening an offer', () => {
  it('is allowed for a live auto-renewing token at its due time', () => {
    expect(openOfferRefusal(renewable(), new Date(NOW.getTime()), NOW)).toBeNull();
  });

  it.each([
    ['revoked', { status: 'revoked' as const, revokedAt: NOW }],
    ['expired', { expiresAt: NOW }],
    ['without auto-renewal', { renewalEveryDays: null, renewalCallbackUrl: null, renewalNextAt: null }],
    ['replaced', { replacedByTokenId: '7a1c2e3f-4b5d-4c6e-8f70-8192a3b4c5d6', renewalNextAt: null }],
  ])('is refused as not renewable for a token %s', (_label, changes) => {
    expect(openOfferRefusal(renewable(changes), NOW, NOW)).toBe(RenewalErrorCode.NotRenewable);
  });

  it('is refused as stale when the token is due at another time (compared to the millisecond)', () => {
    expect(openOfferRefusal(renewable(), at(1), NOW)).toBe(RenewalErrorCode.StaleSchedule);
    expect(openOfferRefusal(renewable({ renewalNextAt: at(DAY) }), NOW, NOW)).toBe(
      RenewalErrorCode.StaleSchedule,
    );
  });
});

describe('opening an offer early', () => {
  it('is refused as not due before the renewal is due, beyond the allowed clock skew', () => {
    const later = renewable({ renewalNextAt: at(HOUR) });
    expect(openOfferRefusal(later, at(HOUR), NOW)).toBe(RenewalErrorCode.NotDue);
    expect(openOfferRefusal(later, at(HOUR), NOW, 5_000)).toBe(RenewalErrorCode.NotDue);
    const soon = renewable({ renewalNextAt: at(4_000) });
    expect(openOfferRefusal(soon, at(4_000), NOW, 5_000)).toBeNull();
  });

  it('is allowed once due and after', () => {
    const due = renewable({ renewalNextAt: at(-HOUR) });
    expect(openOfferRefusal(due, at(-HOUR), NOW)).toBeNull();
  });
});

describe('redeeming a key', () => {
  it.each([
    ['redeemed', RenewalErrorCode.KeyUsed],
    ['cancelled', RenewalErrorCode.KeyCancelled],
    ['expired', RenewalErrorCode.KeyExpired],
  ] as const)('of a %s offer is refused with %s', (status, code) => {
    expect(redeemRefusal({ status, windowEndsAt: at(HOUR) }, NOW)).toBe(code);
  });

  it('of a pending offer works within the window only', () => {
    expect(redeemRefusal({ status: 'pending', windowEndsAt: at(1) }, NOW)).toBeNull();
    expect(redeemRefusal({ status: 'pending', windowEndsAt: NOW }, NOW)).toBe(RenewalErrorCode.KeyExpired);
  });

  it('gives the old token 24 more hours, never past its own expiry', () => {
    const grace = { RENEWAL_OLD_TOKEN_GRACE_MS: DAY };
    expect(oldTokenEnd(null, NOW, grace)).toEqual(at(DAY));
    expect(oldTokenEnd(at(30 * DAY), NOW, grace)).toEqual(at(DAY));
    expect(oldTokenEnd(at(HOUR), NOW, grace)).toEqual(at(HOUR));
  });
});
