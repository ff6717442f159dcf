import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { EventType, type LatchkeyEvent, Topic, topicName } from '@latchkey/contracts';
import {
  consumerLimitsOf,
  consumerMetrics,
  EventConsumer,
  HostedEventConsumer,
  KAFKA,
} from '@latchkey/messaging';
import { METRICS_REGISTRY } from '@latchkey/service-runtime';
import type { Registry } from 'prom-client';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import type { AuditEvent, AuditEventType } from './audit-event.entity';
import { AuditEventsRepository } from './audit-events.repository';

/** An audit row as recorded; `recordedAt` is the database's clock. */
export type AuditEntry = Omit<AuditEvent, 'recordedAt'>;

/**
 * The audit entry an event becomes: its stable type name, who acted (null for usage) and the token it
 * is about (for a renewal the old token; the new one is in `details`), or null for an event the log does
 * not keep (verification counts: the usage tables hold them). Every event type has a case and
 * no default: a new `EventType` fails compilation here until it is given its entry.
 */
export function toAuditEntry(event: LatchkeyEvent): AuditEntry | null {
  const entry = (type: AuditEventType, actorId: string | null, tokenId: string | null): AuditEntry => ({
    id: event.id,
    tenantId: event.tenantId,
    type,
    actorId,
    tokenId,
    subjectId: event.subject,
    occurredAt: new Date(event.time),
    details: event.data,
  });
  switch (event.type) {
    case EventType.TokenCreated:
      return entry('token.created', event.data.performedBy ?? event.data.createdBy, event.data.tokenId);
    case EventType.TokenUpdated:
      return entry('token.updated', event.data.updatedBy, event.data.tokenId);
    case EventType.TokenRevoked:
      return entry('token.revoked', event.data.revokedBy, event.data.tokenId);
    case EventType.TokenRenewed:
      return entry('token.renewed', event.data.renewedBy, event.data.oldTokenId);
    case EventType.TokenUsed:
      return entry('token.used', null, event.data.tokenId);
    case EventType.TokenVerificationsCounted:
      // Per-minute verdict counts live in the usage tables (usage/), not in the audit log.
      return null;
    case EventType.MemberRoleChanged:
      return entry('member.role_changed', event.data.changedBy, null);
    case EventType.MemberRemoved:
      return entry('member.removed', event.data.removedBy, null);
    case EventType.TenantPolicyChanged:
      return entry('tenant.policy_changed', event.data.changedBy, null);
    case EventType.TokenRevealed:
      return entry('token.revealed', event.data.revealedBy, event.data.tokenId);
    // Notices given by Latchkey itself: no one acted.
    case EventType.TokenExpiring:
      return entry('token.expiring', null, event.data.tokenId);
    case EventType.TokenIdleWarning:
      return entry('token.idle_warning', null, event.data.tokenId);
  }
}

/**
 * Records every admin action and usage summary in the audit log, from the events (seed 002). Its own
 * consumer group reads the topics from the beginning; each event is inserted once, keyed by its id, so
 * a redelivery changes nothing.
 */
@Injectable()
export class AuditRecorder extends HostedEventConsumer {
  protected readonly consumer: EventConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(ISSUER_CONFIG) config: IssuerConfig,
    private readonly entries: AuditEventsRepository,
    @Optional() @Inject(METRICS_REGISTRY) registry?: Registry,
  ) {
    super();
    this.consumer = new EventConsumer(kafka, {
      groupId: config.ISSUER_AUDIT_KAFKA_GROUP_ID,
      topics: [Topic.TokenLifecycle, Topic.Members, Topic.TokenUsage],
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      fromBeginning: true,
      limits: consumerLimitsOf(config),
      observer:
        registry &&
        consumerMetrics(
          registry,
          config.ISSUER_AUDIT_KAFKA_GROUP_ID,
          [Topic.TokenLifecycle, Topic.Members, Topic.TokenUsage].map((topic) =>
            topicName(topic, config.KAFKA_TOPIC_PREFIX),
          ),
        ),
      handle: (event) => this.record(event),
    });
  }

  async record(event: LatchkeyEvent): Promise<void> {
    const entry = toAuditEntry(event);
    if (entry !== null) await this.entries.append(entry);
  }
}
