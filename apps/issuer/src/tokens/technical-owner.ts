import type { TechnicalOwner } from '@latchkey/contracts';
import type { Token } from './token.entity';

/**
 * A token's technical owner (seed 004): the person or team who uses it, whom "Tell the technical owner
 * before rotating" and "Check with the technical owner" are about. Latchkey mails them when the token is
 * rotated or revoked; the console shows the coordination checklist. Nobody signs in as a technical
 * owner: it is a contact, not a member.
 */
export type { TechnicalOwner };

type TechnicalOwnerColumns = Pick<Token, 'technicalOwnerEmail' | 'technicalOwnerName'>;

export function technicalOwnerOf(token: TechnicalOwnerColumns): TechnicalOwner | null {
  if (!token.technicalOwnerEmail) return null;
  return { email: token.technicalOwnerEmail, name: token.technicalOwnerName ?? null };
}

/** The columns for a technical owner as given (null: none); a blank name is no name. */
export function technicalOwnerColumns(
  owner: { email: string; name?: string | null } | null,
): Required<TechnicalOwnerColumns> {
  if (owner === null) return { technicalOwnerEmail: null, technicalOwnerName: null };
  return { technicalOwnerEmail: owner.email, technicalOwnerName: owner.name ? owner.name : null };
}

export function sameTechnicalOwner(a: TechnicalOwner | null, b: TechnicalOwner | null): boolean {
  return a?.email === b?.email && (a?.name ?? null) === (b?.name ?? null);
}
