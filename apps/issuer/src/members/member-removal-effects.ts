import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transaction';

/** A member who has just been removed, inside the removal's transaction. */
export interface MemberRemoval {
  tenantId: string;
  userId: string;
  now: Date;
}

/** Something another feature must undo when a member leaves, written in the removal's own transaction. */
export type MemberRemovalEffect = (tx: Tx, removal: MemberRemoval) => Promise<void>;

/**
 * Where other features (renewals) register what a removal means for them, so that the members feature
 * depends on none of them: each effect runs in the removal's transaction, and a failing one undoes it.
 */
@Injectable()
export class MemberRemovalEffects {
  private readonly effects: MemberRemovalEffect[] = [];

  register(effect: MemberRemovalEffect): void {
    this.effects.push(effect);
  }

  async apply(tx: Tx, removal: MemberRemoval): Promise<void> {
    for (const effect of this.effects) await effect(tx, removal);
  }
}
