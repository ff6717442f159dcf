import { isInternalPath } from './internal-listener';

describe('isInternalPath', () => {
  it.each([
    '/internal',
    '/internal/',
    '/internal/v1/tokens/1',
    '/INTERNAL/v1/tokens/1',
    '/Internal/V1',
    '//internal/v1/tokens/1',
    '/%69nternal/v1/tokens/1',
    '/internal%2Fv1/tokens',
  ])('names the internal API: %s', (path) => {
    expect(isInternalPath(path)).toBe(true);
  });

  it.each(['/', '/v1/tokens', '/internals', '/v1/internal/x', '/health', '/%E0%A4%A'])(
    'does not: %s',
    (path) => {
      expect(isInternalPath(path)).toBe(false);
    },
  );
});
