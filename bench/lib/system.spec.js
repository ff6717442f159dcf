// @ts-check
const { productionNodeFlags } = require('./system');

describe('the services the bench starts', () => {
  it('run the verifier with the V8 heap bounds of its Dockerfile CMD, as production does', () => {
    const flags = productionNodeFlags('verifier');

    expect(flags).toEqual([
      expect.stringMatching(/^--max-semi-space-size=\d+$/),
      expect.stringMatching(/^--max-old-space-size=\d+$/),
    ]);
  });

  it('run the services whose CMD has no flags with none', () => {
    expect(productionNodeFlags('issuer')).toEqual([]);
    expect(productionNodeFlags('worker')).toEqual([]);
  });
});
