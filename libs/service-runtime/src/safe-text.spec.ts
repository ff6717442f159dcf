import { jsonDepthExceeds } from './json-body';
import { assertSafeValue, isSafeText } from './safe-text';

describe('isSafeText', () => {
  it.each(['', 'prod-main-app', 'line one\nline two\r\n\tindented', 'é 漢字 😀'])('accepts %j', (text) => {
    expect(isSafeText(text)).toBe(true);
  });

  it.each(['a\u0000b', '\u0001', 'x\u001by', '\u007f', '\ud800', 'x\udc00', '\ude00\ud83d'])(
    'refuses %j',
    (text) => {
      expect(isSafeText(text)).toBe(false);
    },
  );
});

describe('assertSafeValue', () => {
  it('names where the unsafe text is, in values and in keys', () => {
    expect(() => assertSafeValue({ a: [1, 'ok', { b: 'x\u0000' }] }, 'body')).toThrow(
      expect.objectContaining({ code: 'INVALID_CHARACTERS', extensions: { location: 'body.a[2].b' } }),
    );
    expect(() => assertSafeValue({ 'k\u0000': 1 }, 'body')).toThrow(
      expect.objectContaining({ code: 'INVALID_CHARACTERS' }),
    );
    expect(() => assertSafeValue({ a: ['ok', null, 3, true] }, 'body')).not.toThrow();
  });
});

describe('jsonDepthExceeds', () => {
  const bytes = (text: string) => Buffer.from(text, 'utf8');

  it('counts nesting of objects and arrays, not brackets inside strings', () => {
    expect(jsonDepthExceeds(bytes('[[[]]]'), 3)).toBe(false);
    expect(jsonDepthExceeds(bytes('[[[[]]]]'), 3)).toBe(true);
    expect(jsonDepthExceeds(bytes('{"a":{"b":{"c":{}}}}'), 3)).toBe(true);
    expect(jsonDepthExceeds(bytes('["[[[[", "\\"[[[["]'), 1)).toBe(false);
    expect(jsonDepthExceeds(bytes('[1],[2],[3],[4]'), 1)).toBe(false);
  });
});
