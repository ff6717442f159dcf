import { aToken, carla, tokenUseCases } from './testing/token-use-cases';
import { TokenErrorCode } from './tokens.errors';

describe('TokenQueries', () => {
  it('answers 404 TOKEN_NOT_FOUND for an unknown id on the internal API', async () => {
    const { queries } = tokenUseCases();
    await expect(queries.internalState('0f4b6c1e-0000-4b5c-8d9e-0a1b2c3d4e5f')).rejects.toMatchObject({
      code: TokenErrorCode.NotFound,
      status: 404,
    });
  });

  it('hides another tenant’s token exactly as an unknown one', async () => {
    const { tokens, queries } = tokenUseCases();
    const token = tokens.add(aToken({ tenantId: 'globex' }));
    await expect(queries.get(carla, token.id)).rejects.toMatchObject({ code: TokenErrorCode.NotFound });
    await expect(queries.get({ ...carla, tenantId: 'globex' }, token.id)).resolves.toMatchObject({
      id: token.id,
    });
  });

  it('shows a token whose owner left the tenant as owner_inactive, not active (seeds 000, 001)', async () => {
    const { tokens, queries } = tokenUseCases();
    const token = tokens.add(aToken({ expiresAt: null }));
    await expect(queries.get(carla, token.id)).resolves.toMatchObject({ status: 'active' });
    tokens.removeOwner('acme', 'alice');
    await expect(queries.get(carla, token.id)).resolves.toMatchObject({ status: 'owner_inactive' });
  });
});
