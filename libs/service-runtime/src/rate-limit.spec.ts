import { parseRateLimit, trustProxySetting } from './rate-limit';

describe('parseRateLimit', () => {
  it.each([
    ['60/1m', { limit: 60, windowMs: 60_000 }],
    ['5/1000ms', { limit: 5, windowMs: 1_000 }],
    [' 30 / 10s ', { limit: 30, windowMs: 10_000 }],
    ['1000/1h', { limit: 1000, windowMs: 3_600_000 }],
  ])('reads %s', (text, expected) => {
    expect(parseRateLimit(text)).toEqual(expected);
  });

  it.each(['60', '60/m', '0/1m', '60/0s', 'ten/1m', '60/1d'])('refuses %s', (text) => {
    expect(() => parseRateLimit(text)).toThrow();
  });
});

describe('trustProxySetting', () => {
  it.each([
    [undefined, false],
    ['false', false],
    ['true', true],
    ['2', 2],
    ['loopback,10.0.0.0/8', 'loopback,10.0.0.0/8'],
  ])('reads %s as %j', (text, expected) => {
    expect(trustProxySetting().parse(text)).toEqual(expected);
  });
});
