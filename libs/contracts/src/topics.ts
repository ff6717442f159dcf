/*
 * ┌──────────────────────────────────────────────────────────────────────────────────────────────┐
 * │ FROZEN. These names are the wire contract between services and data already on the brokers.  │
 * │ Changing a value needs a migration plan: add the new topic, dual-publish, drain, then remove. │
 * └──────────────────────────────────────────────────────────────────────────────────────────────┘
 */
export enum Topic {
  /**
   * TokenCreated, TokenUpdated, TokenRevoked, TokenRenewed, TokenRevealed, TokenExpiring,
   * TokenIdleWarning; keyed by token id (a renewal by the old token's).
   */
  TokenLifecycle = 'latchkey.token-lifecycle.v1',
  /** TokenUsed and TokenVerificationsCounted summaries from verifiers; keyed by token id. */
  TokenUsage = 'latchkey.token-usage.v1',
  /**
   * Who may do what in a tenant: MemberRoleChanged, MemberRemoved (keyed by user id) and
   * TenantPolicyChanged (keyed by tenant id).
   */
  Members = 'latchkey.members.v1',
  /** Messages no consumer could parse, with the reason in headers. */
  DeadLetter = 'latchkey.dead-letter.v1',
}

export const ALL_TOPICS: readonly Topic[] = Object.values(Topic);

/**
 * Deployments that share one cluster (and test runs that share one broker) namespace topics with a
 * prefix, e.g. `staging.`; the names above stay the contract.
 */
export function topicName(topic: Topic, prefix = ''): string {
  return `${prefix}${topic}`;
}
