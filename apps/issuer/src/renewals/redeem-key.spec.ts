import { createHash } from 'node:crypto';
import { REDEEM_KEY_PATTERN } from '@latchkey/contracts';
import { generateRedeemKey, hashRedeemKey } from './redeem-key';

describe('redeem keys', () => {
  it('are lkr_ plus 256 random bits in base64url, different every time', () => {
    const { key } = generateRedeemKey();
    expect(key).toMatch(REDEEM_KEY_PATTERN);
    expect(Buffer.from(key.slice(4), 'base64url')).toHaveLength(32);
    expect(generateRedeemKey().key).not.toBe(key);
  });

  it('are kept as their hex SHA-256 only', () => {
    const { key, hash } = generateRedeemKey();
    expect(hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hashRedeemKey(key)).toBe(hash);
    expect(hash).not.toContain(key.slice(4));
  });
});
