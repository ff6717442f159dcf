import { generateKeyPairSync, sign } from 'node:crypto';
import { parseKeysDocument, verifyLeakSignature } from './leak-signature';

const pair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const pemOf = (key: ReturnType<typeof pair>['publicKey']) =>
  key.export({ type: 'spki', format: 'pem' }).toString();
const signed = (body: Buffer, privateKey: ReturnType<typeof pair>['privateKey']) =>
  sign('sha256', body, { key: privateKey, dsaEncoding: 'der' }).toString('base64');

describe('leak report signature', () => {
  const scanner = pair();
  const body = Buffer.from('[{"token":"lk_x","type":"latchkey_api_token","url":"https://example.test/a"}]');

  it('accepts an ECDSA-SHA256 DER signature of the exact body bytes', () => {
    expect(verifyLeakSignature(body, signed(body, scanner.privateKey), scanner.publicKey)).toBe(true);
  });

  it('refuses the signature of other bytes, even a re-serialisation of the same JSON', () => {
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1));
    expect(verifyLeakSignature(reformatted, signed(body, scanner.privateKey), scanner.publicKey)).toBe(false);
    const tampered = Buffer.from(body.toString().replace('example.test', 'example.evil'));
    expect(verifyLeakSignature(tampered, signed(body, scanner.privateKey), scanner.publicKey)).toBe(false);
  });

  it("refuses another key's signature", () => {
    expect(verifyLeakSignature(body, signed(body, pair().privateKey), scanner.publicKey)).toBe(false);
  });

  it('refuses malformed signatures without throwing', () => {
    for (const bad of ['', 'not base64!', 'AAAA', Buffer.alloc(72, 1).toString('base64'), 'A'.repeat(400)]) {
      expect(verifyLeakSignature(body, bad, scanner.publicKey)).toBe(false);
    }
  });
});

describe('keys document', () => {
  const scanner = pair();

  it("reads GitHub's shape, current and previous keys alike", () => {
    const previous = pair();
    const keys = parseKeysDocument({
      public_keys: [
        { key_identifier: 'a1b2', key: pemOf(scanner.publicKey), is_current: true },
        { key_identifier: 'old', key: pemOf(previous.publicKey), is_current: false },
      ],
    });
    expect(keys.map((k) => k.id)).toEqual(['a1b2', 'old']);
    const body = Buffer.from('[]');
    expect(verifyLeakSignature(body, signed(body, previous.privateKey), keys[1].key)).toBe(true);
  });

  it('refuses what is not a keys document', () => {
    expect(() => parseKeysDocument([])).toThrow(/public_keys/);
    expect(() => parseKeysDocument({ public_keys: {} })).toThrow(/array/);
    expect(() => parseKeysDocument({ public_keys: [{ key: pemOf(scanner.publicKey) }] })).toThrow(
      /key_identifier/,
    );
    expect(() => parseKeysDocument({ public_keys: [{ key_identifier: 'k', key: 'nope' }] })).toThrow(/PEM/);
  });

  it('refuses a key that is not an ECDSA key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => parseKeysDocument({ public_keys: [{ key_identifier: 'k', key: pem }] })).toThrow(/elliptic/);
  });
});
