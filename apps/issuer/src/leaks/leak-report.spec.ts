import { LeakErrorCode } from './leaks.errors';
import { labelOf, outcomeOf, parseLeakReport } from './leak-report';

function refusalOf(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('not refused');
}

const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('leak report', () => {
  describe('labels', () => {
    it('calls every Latchkey token a true positive, live, revoked or expired', () => {
      expect(labelOf('revoked')).toBe('true_positive');
      expect(labelOf('already_revoked')).toBe('true_positive');
      expect(labelOf('expired')).toBe('true_positive');
    });

    it('calls what no token matches a false positive', () => {
      expect(labelOf('unknown')).toBe('false_positive');
      expect(labelOf('malformed')).toBe('false_positive');
    });

    it('answers in the partner protocol shape, echoing the reported string and type', () => {
      const leak = { token: 'lk_abc', type: 'latchkey_api_token', url: null, source: null };
      expect(outcomeOf(leak, 'revoked')).toEqual({
        token_raw: 'lk_abc',
        token_type: 'latchkey_api_token',
        label: 'true_positive',
      });
    });
  });

  describe('parsing', () => {
    it('reads {token, type, url, source} and ignores fields it does not know', () => {
      expect(
        parseLeakReport(
          body([
            { token: 'lk_a', type: 't', url: 'https://github.com/o/r/blob/1/f', source: 'content', extra: 1 },
            { token: 'lk_b' },
          ]),
          10,
        ),
      ).toEqual([
        { token: 'lk_a', type: 't', url: 'https://github.com/o/r/blob/1/f', source: 'content' },
        { token: 'lk_b', type: null, url: null, source: null },
      ]);
    });

    it.each([
      ['an empty body', ''],
      ['not JSON', '[{"token":'],
      ['an object', { token: 'lk_a' }],
      ['an item without token', [{ type: 't' }]],
      ['a token that is not a string', [{ token: 42 }]],
      ['a url that is not a string', [{ token: 'lk_a', url: ['x'] }]],
      ['nesting beyond a report', [{ token: 'lk_a', type: [[[['x']]]] }]],
    ])('refuses %s (400 LEAK_REPORT_MALFORMED)', (_what, value) => {
      expect(() => parseLeakReport(body(value), 10)).toThrow(
        expect.objectContaining({ code: LeakErrorCode.ReportMalformed, status: 400 }),
      );
    });

    it('refuses bytes that are not UTF-8', () => {
      expect(() => parseLeakReport(Buffer.from([0x5b, 0xff, 0x5d]), 10)).toThrow(
        expect.objectContaining({ code: LeakErrorCode.ReportMalformed }),
      );
    });

    it('refuses a control character in a string (400 INVALID_CHARACTERS)', () => {
      expect(() => parseLeakReport(body([{ token: 'lk_\u0000' }]), 10)).toThrow(
        expect.objectContaining({ code: 'INVALID_CHARACTERS' }),
      );
    });

    it('refuses more tokens than LEAK_REPORT_MAX_TOKENS, and never quotes a token in the error', () => {
      const secret = 'lk_secretvalue';
      const refusal = refusalOf(() =>
        parseLeakReport(body([{ token: secret }, { token: secret }, { token: 7 }]), 2),
      );
      expect(refusal).toMatchObject({ code: LeakErrorCode.ReportMalformed });
      expect(refusal.message).toContain('at most 2');
      expect(refusal.message).not.toContain(secret);
    });
  });
});
