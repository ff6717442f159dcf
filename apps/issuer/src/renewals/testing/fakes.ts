/*
 * In-memory stand-ins for what the renewal services depend on, for unit specs: the repositories keep
 * their rows in arrays, and transactions (FakeTransactions) roll those rows back when their work throws.
 * No Jest here, so this file also compiles where the app is built.
 */
import { type CallbackAttemptReport, EventType } from '@latchkey/contracts';
import type { Tx } from '../../database/transaction';
import type { Member } from '../../members/member.entity';
import type { MembersRepository } from '../../members/members.repository';
import type { FakeTransactions } from '../../outbox/testing/fake-transactions';
import type { UnitOfWorkTx } from '../../outbox/unit-of-work';
import type { SigningSecretsService } from '../../signing-secrets/signing-secrets.service';
import type { ReplacedToken, ReplacementPlan, ReplaceToken } from '../../tokens/replace-token';
import type { Token } from '../../tokens/token.entity';
import { toTokenView } from '../../tokens/token-view';
import { nameWarnings } from '../../tokens/token-name-warnings';
import type { InMemoryTokens } from '../../tokens/testing/in-memory-tokens';
import type { RenewalAttempt } from '../renewal-attempt.entity';
import type { RenewalOffer } from '../renewal-offer.entity';
import type { RenewalOffersRepository } from '../renewal-offers.repository';

type OfferMethods =
  | 'lock'
  | 'find'
  | 'findByDue'
  | 'insert'
  | 'expireLapsed'
  | 'close'
  | 'cancelPendingOfToken'
  | 'markRedeemed'
  | 'otherPending'
  | 'history'
  | 'findAttemptByKeyHash'
  | 'findAttempt'
  | 'nextAttemptNumber'
  | 'insertAttempt'
  | 'recordAttempt';

/** The `renewal_offers` and `renewal_attempts` tables. Reads answer copies, as rows read from a database. */
export class InMemoryRenewalOffers implements Pick<RenewalOffersRepository, OfferMethods> {
  readonly offers: RenewalOffer[];
  readonly attempts: RenewalAttempt[];

  constructor(private readonly db: FakeTransactions) {
    this.offers = db.table<RenewalOffer>();
    this.attempts = db.table<RenewalAttempt>();
  }

  lock(tx: Tx, offerId: string): Promise<RenewalOffer | null> {
    return this.find(tx, offerId);
  }

  find(tx: Tx, offerId: string): Promise<RenewalOffer | null> {
    this.db.through(tx);
    return Promise.resolve(copy(this.offers.find((o) => o.id === offerId)));
  }

  findByDue(tx: Tx, tokenId: string, dueAt: Date): Promise<RenewalOffer | null> {
    this.db.through(tx);
    const offer = this.offers.find((o) => o.tokenId === tokenId && o.dueAt.getTime() === dueAt.getTime());
    return Promise.resolve(copy(offer));
  }

  insert(tx: Tx, offer: RenewalOffer): Promise<void> {
    this.db.through(tx);
    if (this.offers.some((o) => o.id === offer.id)) throw new Error(`duplicate offer ${offer.id}`);
    this.offers.push({ ...offer });
    return Promise.resolve();
  }

  expireLapsed(tx: Tx, tokenId: string, now: Date): Promise<void> {
    this.db.through(tx);
    for (const offer of this.pendingOf(tokenId)) {
      if (offer.windowEndsAt.getTime() <= now.getTime()) {
        Object.assign(offer, { status: 'expired', closedAt: now });
      }
    }
    return Promise.resolve();
  }

  close(tx: Tx, offerId: string, status: 'expired' | 'cancelled', now: Date): Promise<void> {
    this.db.through(tx);
    const offer = this.offers.find((o) => o.id === offerId && o.status === 'pending');
    if (offer) Object.assign(offer, { status, closedAt: now });
    return Promise.resolve();
  }

  cancelPendingOfToken(tx: Tx, tokenId: string, now: Date): Promise<void> {
    this.db.through(tx);
    for (const offer of this.pendingOf(tokenId)) Object.assign(offer, { status: 'cancelled', closedAt: now });
    return Promise.resolve();
  }

  markRedeemed(tx: Tx, offerId: string, newTokenId: string, now: Date): Promise<void> {
    this.db.through(tx);
    const offer = this.offers.find((o) => o.id === offerId);
    if (offer) Object.assign(offer, { status: 'redeemed', redeemedAt: now, newTokenId, closedAt: now });
    return Promise.resolve();
  }

  otherPending(tx: Tx, tokenId: string, exceptOfferId: string): Promise<RenewalOffer[]> {
    this.db.through(tx);
    return Promise.resolve(
      this.pendingOf(tokenId)
        .filter((o) => o.id !== exceptOfferId)
        .map((o) => ({ ...o })),
    );
  }

  history(tokenId: string): Promise<{ offers: RenewalOffer[]; attempts: RenewalAttempt[] }> {
    this.db.through(undefined);
    const offers = this.offers
      .filter((o) => o.tokenId === tokenId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id))
      .map((o) => ({ ...o }));
    const ids = new Set(offers.map((o) => o.id));
    const attempts = this.attempts
      .filter((a) => ids.has(a.offerId))
      .sort((a, b) => a.number - b.number)
      .map((a) => ({ ...a }));
    return Promise.resolve({ offers, attempts });
  }

  findAttemptByKeyHash(tx: Tx, keyHash: string): Promise<RenewalAttempt | null> {
    this.db.through(tx);
    return Promise.resolve(copy(this.attempts.find((a) => a.keyHash === keyHash)));
  }

  findAttempt(tx: Tx, attemptId: string): Promise<RenewalAttempt | null> {
    this.db.through(tx);
    return Promise.resolve(copy(this.attempts.find((a) => a.id === attemptId)));
  }

  nextAttemptNumber(tx: Tx, offerId: string): Promise<number> {
    this.db.through(tx);
    const numbers = this.attempts.filter((a) => a.offerId === offerId).map((a) => a.number);
    return Promise.resolve(Math.max(0, ...numbers) + 1);
  }

  insertAttempt(tx: Tx, attempt: RenewalAttempt): Promise<void> {
    this.db.through(tx);
    if (this.attempts.some((a) => a.id === attempt.id)) throw new Error(`duplicate attempt ${attempt.id}`);
    this.attempts.push({ ...attempt });
    return Promise.resolve();
  }

  recordAttempt(tx: Tx, attempt: RenewalAttempt, report: CallbackAttemptReport, now: Date): Promise<void> {
    this.db.through(tx);
    const stored = this.attempts.find((a) => a.id === attempt.id);
    if (stored) {
      Object.assign(stored, {
        finishedAt: now,
        outcome: report.outcome,
        statusCode: report.statusCode,
        durationMs: report.durationMs,
        error: report.error,
      });
    }
    if (report.outcome === 'delivered') {
      const offer = this.offers.find((o) => o.id === attempt.offerId && o.deliveredAt === null);
      if (offer) offer.deliveredAt = now;
    }
    return Promise.resolve();
  }

  private pendingOf(tokenId: string): RenewalOffer[] {
    return this.offers.filter((o) => o.tokenId === tokenId && o.status === 'pending');
  }
}

export type MemberRow = Pick<Member, 'tenantId' | 'userId' | 'status'>;

/** The `members` table: who is an active member of which tenant. */
export class InMemoryMembers implements Pick<MembersRepository, 'isActive'> {
  readonly rows: MemberRow[];

  constructor(private readonly db: FakeTransactions) {
    this.rows = db.table<MemberRow>();
  }

  isActive(tenantId: string, userId: string, tx?: Tx): Promise<boolean> {
    this.db.through(tx);
    const member = this.rows.find((m) => m.tenantId === tenantId && m.userId === userId);
    return Promise.resolve(member?.status === 'active');
  }

  /** The member leaves the tenant, as a removal records it. */
  remove(tenantId: string, userId: string): void {
    for (const member of this.rows) {
      if (member.tenantId === tenantId && member.userId === userId) member.status = 'removed';
    }
  }
}

/** The tenant's callback signing secrets, read through the caller's transaction. */
export class FakeSigningSecrets implements Pick<SigningSecretsService, 'signingKeys'> {
  constructor(
    private readonly db: FakeTransactions,
    readonly secrets: string[],
  ) {}

  signingKeys(_tenantId: string, _now: Date, tx?: Tx): Promise<string[]> {
    this.db.through(tx);
    return Promise.resolve([...this.secrets]);
  }
}

/** What the successor looks like: fixed, so a spec can name it. */
export interface SuccessorFixture {
  id: string;
  keyPrefix: string;
  plaintext: string;
  lifetimeMs: number;
}

/**
 * Replaces a token as ReplaceToken does, without the issuance behind it: the successor is inserted, the
 * old token ends when planned and points to it, TokenRenewed is emitted in the caller's unit of work, and
 * the old token's new end goes to the verifiers before commit (failing, so nothing commits, while
 * `verifiersDown`).
 */
export class FakeReplaceToken implements Pick<ReplaceToken, 'replace'> {
  verifiersDown = false;

  constructor(
    private readonly tokens: InMemoryTokens,
    private readonly successor: SuccessorFixture,
  ) {}

  async replace(tx: UnitOfWorkTx, old: Token, plan: ReplacementPlan, now: Date): Promise<ReplacedToken> {
    const successor: Token = {
      ...old,
      id: this.successor.id,
      name: plan.name,
      description: plan.description,
      keyPrefix: this.successor.keyPrefix,
      issuedBy: plan.actorId,
      issuedByEmail: plan.actorEmail ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.successor.lifetimeMs),
      replacesTokenId: old.id,
      replacedByTokenId: null,
    };
    await this.tokens.insert(tx, successor);
    const changes = { expiresAt: plan.oldEndsAt, replacedByTokenId: successor.id, renewalNextAt: null };
    Object.assign(old, changes);
    await this.tokens.update(tx, old.id, changes);
    tx.emit(EventType.TokenRenewed, {
      subject: old.id,
      tenantId: old.tenantId,
      time: now,
      data: {
        oldTokenId: old.id,
        newTokenId: successor.id,
        oldTokenEndsAt: plan.oldEndsAt.toISOString(),
        renewedBy: plan.actorId,
        reason: plan.reason,
      },
    });
    tx.beforeCommit(() =>
      this.verifiersDown
        ? Promise.reject(new Error('The verifiers could not be reached.'))
        : Promise.resolve(),
    );
    return {
      ...toTokenView(successor, now),
      token: this.successor.plaintext,
      warnings: nameWarnings(plan.name),
      replaced: toTokenView(old, now),
    };
  }
}

function copy<R extends object>(row: R | undefined): R | null {
  return row ? { ...row } : null;
}

export { FakeTransactions, type EmittedEvent } from '../../outbox/testing/fake-transactions';
export { InMemoryTokens } from '../../tokens/testing/in-memory-tokens';
