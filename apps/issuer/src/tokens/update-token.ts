import { Inject, Injectable } from '@nestjs/common';
import { type AutoRenewalSettings, EventType, type EventDataByType } from '@latchkey/contracts';
import type { AdminPrincipal } from '../auth/admin-principal';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { UnitOfWork } from '../outbox/unit-of-work';
import { TenantPolicyService } from '../tenants/tenant-policy.service';
import { AutoRenewalAcceptance } from './accept-auto-renewal';
import { applyAutoRenewal, autoRenewalScheduleOf, sameAutoRenewal } from './auto-renewal';
import { IMMUTABLE_TOKEN_FIELDS, type UpdateTokenDto } from './dto/update-token.dto';
import { TokenRenewalStops } from './token-renewal-stops';
import { sameTechnicalOwner, technicalOwnerColumns, technicalOwnerOf } from './technical-owner';
import {
  assertMayAutoRenew,
  assertMayIssueTokens,
  assertTokenOwner,
  scopeOf,
  tokenNotFound,
} from './token-rules';
import { toTokenView, type TokenView } from './token-view';
import { TokenError, TokenErrorCode } from './tokens.errors';
import { type TokenChanges, TokensRepository } from './tokens.repository';

type AnnouncedChanges = EventDataByType[EventType.TokenUpdated]['changes'];

/**
 * `PATCH /v1/tokens/:id`: edits what may change after creation (seed 003), the description and
 * auto-renewal with its mail recipient. Everything else is fixed (seed 000). Only what actually changed
 * is written and announced.
 */
@Injectable()
export class UpdateToken {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly tokens: TokensRepository,
    private readonly autoRenewal: AutoRenewalAcceptance,
    private readonly renewalStops: TokenRenewalStops,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
    private readonly policies: TenantPolicyService,
  ) {}

  async execute(principal: AdminPrincipal, id: string, request: UpdateTokenDto): Promise<TokenView> {
    const immutable = IMMUTABLE_TOKEN_FIELDS.filter((field) => request[field] !== undefined);
    if (immutable.length > 0) {
      throw new TokenError(
        TokenErrorCode.FieldImmutable,
        `${immutable.join(', ')} cannot be changed after creation. Revoke the token and create a new one.`,
        { fields: immutable },
      );
    }
    if (
      request.description === undefined &&
      request.autoRenewal === undefined &&
      request.technicalOwner === undefined
    ) {
      throw new TokenError(
        TokenErrorCode.NothingToUpdate,
        'Send at least one editable field: description, autoRenewal, technicalOwner.',
      );
    }
    const now = new Date();
    const governance = await this.policies.governance(principal.tenantId);
    const scope = scopeOf(principal, governance);
    let autoRenewal: AutoRenewalSettings | null | undefined;
    if (request.autoRenewal === null) {
      autoRenewal = null;
    } else if (request.autoRenewal !== undefined) {
      // A token that cannot get auto-renewal is refused before its callback URL is resolved.
      const current = await this.tokens.findVisible(scope, id);
      if (!current) throw tokenNotFound(id);
      // Where a token's renewals go decides who receives its successors: the owner's call alone.
      assertTokenOwner(principal, current, 'set its auto-renewal (callback URL, mail recipient)');
      // Auto-renewal issues successors: under `admins_only`, members may only switch it off.
      assertMayIssueTokens(principal, governance);
      assertMayAutoRenew(current, now);
      // A merge: PATCH { autoRenewal: { mailRecipient } } changes the recipient alone (seed 003).
      autoRenewal = await this.autoRenewal.acceptPatch(principal.tenantId, current, request.autoRenewal, now);
    }
    const token = await this.unitOfWork.run(async (tx) => {
      const record = await this.tokens.lockVisible(tx, scope, id);
      if (!record) throw tokenNotFound(id);
      const changes: AnnouncedChanges = {};
      const set: TokenChanges = {};
      if (request.description !== undefined && request.description !== record.description) {
        set.description = request.description;
        changes.description = request.description;
      }
      if (request.technicalOwner !== undefined) {
        // A contact, not a permission: editable by whoever may edit the description (seed 004).
        const next = technicalOwnerColumns(request.technicalOwner);
        if (!sameTechnicalOwner(technicalOwnerOf(record), technicalOwnerOf(next))) {
          Object.assign(set, next);
          changes.technicalOwner = technicalOwnerOf(next);
        }
      }
      if (autoRenewal !== undefined) {
        if (autoRenewal !== null) assertMayAutoRenew(record, now);
        const next = applyAutoRenewal(record, autoRenewal, now, this.config.RENEWAL_DAY_MS);
        if (!sameAutoRenewal(record, next)) {
          Object.assign(set, next);
          changes.autoRenewal = autoRenewalScheduleOf(next);
          // Switched off: a renewal key already handed out must not renew the token any more.
          if (autoRenewal === null) await this.renewalStops.apply(tx, id, now);
        }
      }
      if (Object.keys(set).length === 0) return record;
      Object.assign(record, set);
      await this.tokens.update(tx, id, set);
      tx.emit(EventType.TokenUpdated, {
        subject: id,
        tenantId: record.tenantId,
        time: now,
        data: { tokenId: id, updatedBy: principal.userId, ownerId: record.createdBy, changes },
      });
      return record;
    });
    return toTokenView(token, now);
  }
}
