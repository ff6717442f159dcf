import { EventType } from './events';
import { TOPIC_OF } from './topic-of';
import { Topic } from './topics';

describe('TOPIC_OF', () => {
  it('names a topic for every event type, and never the dead-letter topic', () => {
    for (const type of Object.values(EventType)) {
      expect(Object.values(Topic)).toContain(TOPIC_OF[type]);
      expect(TOPIC_OF[type]).not.toBe(Topic.DeadLetter);
    }
  });

  it('keeps token lifecycle events together, so one partition orders a token’s life', () => {
    expect(TOPIC_OF[EventType.TokenCreated]).toBe(TOPIC_OF[EventType.TokenRevoked]);
    expect(TOPIC_OF[EventType.TokenRenewed]).toBe(Topic.TokenLifecycle);
  });
});
