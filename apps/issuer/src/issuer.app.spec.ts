import { docsEnabled } from './issuer.app';

describe('docsEnabled', () => {
  it.each([
    [{ NODE_ENV: 'development', ISSUER_DOCS_ENABLED: undefined }, true],
    [{ NODE_ENV: 'test', ISSUER_DOCS_ENABLED: undefined }, true],
    [{ NODE_ENV: 'production', ISSUER_DOCS_ENABLED: undefined }, false],
    [{ NODE_ENV: 'production', ISSUER_DOCS_ENABLED: true }, true],
    [{ NODE_ENV: 'development', ISSUER_DOCS_ENABLED: false }, false],
  ])('%j → %s', (config, expected) => {
    expect(docsEnabled(config)).toBe(expected);
  });
});
