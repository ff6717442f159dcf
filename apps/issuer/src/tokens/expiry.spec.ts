import { resolveExpiry } from './expiry';
import { TokenErrorCode } from './tokens.errors';

const now = new Date('2026-03-10T12:00:00.000Z');
const days = (n: number) => new Date(now.getTime() + n * 86_400_000);

describe('resolveExpiry', () => {
  it.each([
    ['30d', days(30)],
    ['60d', days(60)],
    ['90d', days(90)],
  ] as const)('maps %s to that many days from now', (expiresIn, expected) => {
    expect(resolveExpiry({ expiresIn }, now)).toEqual(expected);
  });

  it('maps 1y to the same date next year', () => {
    expect(resolveExpiry({ expiresIn: '1y' }, now)).toEqual(new Date('2027-03-10T12:00:00.000Z'));
  });

  it('never expires for "never" and when no expiry is given', () => {
    expect(resolveExpiry({ expiresIn: 'never' }, now)).toBeNull();
    expect(resolveExpiry({}, now)).toBeNull();
  });

  it('accepts an absolute date in the future', () => {
    expect(resolveExpiry({ expiresAt: days(3) }, now)).toEqual(days(3));
  });

  it('rejects an absolute date that is not in the future', () => {
    expect(() => resolveExpiry({ expiresAt: now }, now)).toThrow(
      expect.objectContaining({ code: TokenErrorCode.ExpiryInPast }),
    );
  });

  it('rejects a relative and an absolute expiry together', () => {
    expect(() => resolveExpiry({ expiresIn: '30d', expiresAt: days(3) }, now)).toThrow(
      expect.objectContaining({ code: TokenErrorCode.ExpiryConflict, status: 400 }),
    );
  });
});
