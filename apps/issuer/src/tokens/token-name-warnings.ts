/**
 * Seed 004: "Avoid using personal names or sensitive customer information in key names." A token's name
 * is shown to everyone who manages the tenant's tokens, travels in events, audit entries and renewal
 * mails, and stays after the token is revoked; so a name that looks like it holds personal data earns a
 * warning in the response. Never a refusal: the checks are heuristics, and a false alarm must not stop
 * anyone from issuing a token.
 *
 * What is detected (docs/architecture.md, "Name warnings"):
 * - an e-mail address: `local@domain.tld`;
 * - a phone number: a `+` followed by 8 to 15 digits, or 9 to 15 digits in one run, either possibly
 *   broken up by spaces, hyphens, dots or parentheses (at most two between two digits). Calendar dates
 *   (`2026-12-03`) are ignored first, so `backup-2026-12-03` is no phone number; shorter runs (ticket
 *   numbers, years) are none either.
 * Personal names are not detected: no pattern tells "alice-laptop" from "atlas-sync".
 */

export const TOKEN_WARNING_CODES = ['NAME_CONTAINS_EMAIL', 'NAME_CONTAINS_PHONE_NUMBER'] as const;
export type TokenWarningCode = (typeof TOKEN_WARNING_CODES)[number];

/** Advice about a request that was carried out anyway. */
export interface TokenWarning {
  /** Stable: clients may key on it. */
  code: TokenWarningCode;
  /** The request field the warning is about. */
  field: 'name';
  /** For people; may be reworded. */
  message: string;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
/** ISO dates and times, removed before looking for phone numbers. */
const DATE_OR_TIME = /\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?/g;
/** Digits with at most two separators between neighbours (`) `), from a digit (or `+`) to a digit. */
const DIGIT_RUN = /\+?\(?\d(?:[ .()-]{0,2}\d)*/g;

const PURPOSE_HINT = 'Use a purpose-based name such as prod-main-app or crm-integration instead.';

/** The warnings a token name earns (none for most names), in a fixed order. */
export function nameWarnings(name: string): TokenWarning[] {
  const warnings: TokenWarning[] = [];
  if (EMAIL.test(name)) {
    warnings.push({
      code: 'NAME_CONTAINS_EMAIL',
      field: 'name',
      message: `The name looks like it contains an e-mail address. Token names are visible to everyone who manages the tenant's tokens and stay in the audit log. ${PURPOSE_HINT}`,
    });
  }
  if (containsPhoneNumber(name.replace(EMAIL, ' '))) {
    warnings.push({
      code: 'NAME_CONTAINS_PHONE_NUMBER',
      field: 'name',
      message: `The name looks like it contains a phone number. Token names are visible to everyone who manages the tenant's tokens and stay in the audit log. ${PURPOSE_HINT}`,
    });
  }
  return warnings;
}

function containsPhoneNumber(text: string): boolean {
  for (const [run] of text.replace(DATE_OR_TIME, ' ').matchAll(DIGIT_RUN)) {
    const digits = run.replace(/\D/g, '').length;
    if (digits <= 15 && digits >= (run.startsWith('+') ? 8 : 9)) return true;
  }
  return false;
}
