import { EventType } from '@latchkey/contracts';
import { aToken, alice, carla, eventsOf, tokenUseCases } from './testing/token-use-cases';

const now = new Date('2026-11-23T12:00:00.000Z');
const platform = { email: 'platform@acme.test', name: 'Platform team' };

/** Seed 004: "Tell the technical owner before rotating"; Latchkey records them and tells them. */
describe('technical owner of a token', () => {
  beforeEach(() => jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('is set at creation, shown, and announced in TokenCreated', async () => {
    const { db, tokens, create } = tokenUseCases();
    const created = await create.execute(carla, { name: 'crm', technicalOwner: platform });
    expect(created.technicalOwner).toEqual(platform);
    expect(tokens.get(created.id)).toMatchObject({
      technicalOwnerEmail: 'platform@acme.test',
      technicalOwnerName: 'Platform team',
    });
    expect(eventsOf(db, EventType.TokenCreated)[0].data.technicalOwner).toEqual(platform);
  });

  it('is optional: none is null, and a blank name is no name', async () => {
    const { create } = tokenUseCases();
    expect((await create.execute(carla, { name: 'a' })).technicalOwner).toBeNull();
    const unnamed = await create.execute(carla, {
      name: 'b',
      technicalOwner: { email: 'ops@acme.test', name: '' },
    });
    expect(unnamed.technicalOwner).toEqual({ email: 'ops@acme.test', name: null });
  });

  it('stays with the successor of a rotation, and TokenRenewed names it for the mail', async () => {
    const { db, tokens, replace } = tokenUseCases();
    const old = tokens.add(
      aToken({ technicalOwnerEmail: platform.email, technicalOwnerName: platform.name }),
    );
    const rotated = await replace.rotate(alice, old.id, '1h');
    expect(rotated.technicalOwner).toEqual(platform);
    expect(eventsOf(db, EventType.TokenRenewed)[0].data).toMatchObject({
      reason: 'rotation',
      technicalOwner: platform,
    });
  });

  it('is editable (PATCH), announced only when it changes, and removed with null', async () => {
    const { db, tokens, update } = tokenUseCases();
    const token = tokens.add(aToken());
    const view = await update.execute(carla, token.id, { technicalOwner: platform });
    expect(view.technicalOwner).toEqual(platform);
    await update.execute(carla, token.id, { technicalOwner: { ...platform } });
    await update.execute(carla, token.id, { technicalOwner: null });
    expect(tokens.get(token.id)).toMatchObject({ technicalOwnerEmail: null, technicalOwnerName: null });
    expect(eventsOf(db, EventType.TokenUpdated).map((e) => e.data.changes)).toEqual([
      { technicalOwner: platform },
      { technicalOwner: null },
    ]);
  });
});
