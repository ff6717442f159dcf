import { EventType } from './events';
import { Topic } from './topics';

/**
 * The topic every event type travels on: producers derive the topic from the type, so an event can
 * never be published where its consumers do not look. Frozen with the topic names.
 */
export const TOPIC_OF: Readonly<Record<EventType, Topic>> = Object.freeze({
  [EventType.TokenCreated]: Topic.TokenLifecycle,
  [EventType.TokenRevoked]: Topic.TokenLifecycle,
  [EventType.TokenUpdated]: Topic.TokenLifecycle,
  [EventType.TokenRenewed]: Topic.TokenLifecycle,
  [EventType.TokenUsed]: Topic.TokenUsage,
  [EventType.TokenVerificationsCounted]: Topic.TokenUsage,
  [EventType.MemberRoleChanged]: Topic.Members,
  [EventType.MemberRemoved]: Topic.Members,
  [EventType.TenantPolicyChanged]: Topic.Members,
  [EventType.TokenRevealed]: Topic.TokenLifecycle,
  [EventType.TokenExpiring]: Topic.TokenLifecycle,
  [EventType.TokenIdleWarning]: Topic.TokenLifecycle,
});
