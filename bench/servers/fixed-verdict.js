// @ts-check
/** A verdict shaped like the verifier's answer for a live token, for the floors to send. */
const FIXED_VERDICT = {
  valid: true,
  reason: 'OK',
  tokenId: '0b0a1f38-8d5c-4d7e-9a51-6a2f7cf0c1de',
  tenantId: 'bench',
  ownerId: 'bench-owner',
  expiresAt: '2099-01-01T00:00:00.000Z',
  effectivePermissions: ['*'],
  resources: [],
};
module.exports = { FIXED_VERDICT };
