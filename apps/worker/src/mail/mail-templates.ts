import { REDEEM_PATH } from '@latchkey/contracts';

/**
 * Notification mail, plain text. Each template receives only the facts it shows, picked field by field
 * from issuer data: token names and ids, times, and short failure descriptions. A mail never carries a
 * token, a redeem key, a signing secret or a callback body; as a second line of defence, anything
 * shaped like one of them is masked.
 */
export type MailFacts =
  | {
      kind: 'renewed';
      tokenName: string;
      oldTokenId: string;
      oldTokenEndsAt: string;
      newTokenId: string;
      newTokenExpiresAt: string | null;
      /** Nobody redeemed it: the owner copies the kept successor on its page (seed 003). */
      copyInConsole?: boolean;
    }
  | {
      kind: 'callback-failed';
      tokenName: string;
      tokenId: string;
      windowEndsAt: string;
      nextRenewalAt: string | null;
      lastError: string | null;
    }
  | {
      kind: 'expiry-reminder';
      tokenName: string;
      tokenId: string;
      days: number;
      expiresAt: string;
    }
  | {
      /** A renewal of a token without a callback URL is open: redeem it in the console (seed 003). */
      kind: 'renewal-ready';
      tokenName: string;
      tokenId: string;
      windowEndsAt: string;
      nextRenewalAt: string | null;
    }
  | {
      kind: 'revoked-by-other';
      tokenName: string;
      tokenId: string;
      revokedBy: string;
      revokedAt: string;
      /** `idle`: revoked by the tenant's idle policy, not by a person. Absent: by a person. */
      reason?: 'manual' | 'idle';
    }
  | {
      /** The tenant's idle policy will revoke the token unless it is used (issue 14). */
      kind: 'idle-warning';
      tokenName: string;
      tokenId: string;
      /** Greets the technical owner by name; null for the owner. */
      technicalOwnerName: string | null;
      recipient: 'owner' | 'technical-owner';
      idleSince: string;
      revokeAt: string;
    }
  | {
      kind: 'token-revealed';
      tokenName: string;
      tokenId: string;
      revealedBy: string;
      revealedAt: string;
    }
  | {
      kind: 'technical-owner-rotated';
      tokenName: string;
      /** Greets them by name when the token names one. */
      technicalOwnerName: string | null;
      oldTokenId: string;
      oldTokenEndsAt: string;
      newTokenId: string;
      rotatedBy: string;
    }
  | {
      kind: 'technical-owner-revoked';
      tokenName: string;
      technicalOwnerName: string | null;
      tokenId: string;
      revokedBy: string;
      revokedAt: string;
      reason?: 'manual' | 'idle';
    }
  | {
      /** Revoked because it leaked: reported by a secret scanner, or revoked by whoever held it. */
      kind: 'leak-revoked';
      tokenName: string;
      tokenId: string;
      /** The technical owner's name when the mail is theirs (null for the owner, or none given). */
      technicalOwnerName: string | null;
      recipient: 'owner' | 'technical-owner';
      reason: 'leaked' | 'holder';
      revokedAt: string;
      url: string | null;
      source: string | null;
    };

/** Where a mail's links point: the console's token page is `<consoleUrl>/tokens/<id>`. */
export interface MailLinks {
  consoleUrl: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
}

const SECRET_SHAPED = /\b(?:lk|lkr|lksig)_[A-Za-z0-9_-]+/g;
const SIGNATURE = '— Latchkey\nThis is an automatic message about API tokens of your organisation.';

export function renderMail(facts: MailFacts, links: MailLinks): RenderedMail {
  const rendered = render(facts, (id) => tokenPage(links.consoleUrl, id));
  return { subject: mask(oneLine(rendered.subject)), text: mask(rendered.text) };
}

/** The console's page of one token. */
export function tokenPage(consoleUrl: string, tokenId: string): string {
  return `${consoleUrl.replace(/\/+$/, '')}/tokens/${encodeURIComponent(tokenId)}`;
}

function render(facts: MailFacts, page: (tokenId: string) => string): RenderedMail {
  switch (facts.kind) {
    case 'renewed': {
      const name = displayName(facts.tokenName);
      return {
        subject: `Your API token "${name}" was renewed`,
        text: [
          facts.copyInConsole === true
            ? `The API token "${name}" was renewed automatically, on schedule.`
            : `The API token "${name}" was renewed automatically: its renewal was redeemed.`,
          '',
          `Previous token: ${facts.oldTokenId}`,
          `  stays valid until ${formatTime(facts.oldTokenEndsAt)}, then expires.`,
          `New token:      ${facts.newTokenId}`,
          `  ${facts.newTokenExpiresAt === null ? 'does not expire' : `expires ${formatTime(facts.newTokenExpiresAt)}`}.`,
          '',
          ...(facts.copyInConsole === true
            ? [
                'Your organisation keeps its tokens recoverable: the token’s owner copies the new token on',
                'its page in the console (Reveal and copy) and puts it in place of the previous one before',
                'that expires:',
              ]
            : [
                'Nothing needs to be done if the systems using this token now use the renewed one.',
                'If you did not expect this renewal, review the new token and revoke it on its page:',
              ]),
          `  ${page(facts.newTokenId)}`,
          '',
          SIGNATURE,
        ].join('\n'),
      };
    }
    case 'callback-failed': {
      const name = displayName(facts.tokenName);
      return {
        subject: `Renewal callback for "${name}" is failing`,
        text: [
          `The renewal callback for the API token "${name}" (${facts.tokenId}) could not be delivered`,
          `to its receiver within the redeem window, which ends at ${formatTime(facts.windowEndsAt)}.`,
          ...(facts.lastError === null ? [] : [`Last error: ${oneLine(facts.lastError).slice(0, 200)}`]),
          '',
          facts.nextRenewalAt === null
            ? 'Latchkey will send a new callback with a new key later.'
            : `Latchkey will send a new callback with a new key at ${formatTime(facts.nextRenewalAt)}.`,
          'Please check that the receiver at the token’s callback URL is reachable over HTTPS, answers',
          `with a 2xx status, and redeems the key at ${REDEEM_PATH} within the redeem window.`,
          'The current token keeps working until it expires. Its page, with the renewal history:',
          `  ${page(facts.tokenId)}`,
          '',
          SIGNATURE,
        ].join('\n'),
      };
    }
    case 'expiry-reminder': {
      const name = displayName(facts.tokenName);
      const when = facts.days === 0 ? 'today' : facts.days === 1 ? 'in 1 day' : `in ${facts.days} days`;
      return {
        subject: `Your API token "${name}" expires ${when}`,
        text: [
          `The API token "${name}" (${facts.tokenId}) expires ${when}, at ${formatTime(facts.expiresAt)}.`,
          'After that, every request made with it is refused.',
          '',
          'If it is still in use, renew it (or create a new token) and replace it in the systems that',
          'use it before then. Tokens with auto-renewal are renewed for you; you can switch it on for',
          'this token on its page in the console:',
          `  ${page(facts.tokenId)}`,
          '',
          SIGNATURE,
        ].join('\n'),
      };
    }
    case 'token-revealed': {
      const name = displayName(facts.tokenName);
      return {
        subject: `Your API token "${name}" was revealed`,
        text: [
          `The API token "${name}" (${facts.tokenId}) was shown in full to ${who(facts.revealedBy)}`,
          `at ${formatTime(facts.revealedAt)}, after a fresh sign-in.`,
          '',
          'If that was you, nothing needs to be done. If it was not, someone has your sign-in: revoke the',
          'token on its page, create a new one, and tell the administrators of your organisation.',
          `  ${page(facts.tokenId)}`,
          '',
          SIGNATURE,
        ].join('\n'),
      };
    }
    case 'renewal-ready': {
      const name = displayName(facts.tokenName);
      return {
        subject: `Renewal of "${name}" is ready to redeem`,
        text: [
          `The API token "${name}" (${facts.tokenId}) is due for its automatic renewal. It has no`,
          'callback URL, so the renewed token waits for its owner in the console.',
          '',
          `Redeem it on the token's page before ${formatTime(facts.windowEndsAt)}:`,
          `  ${page(facts.tokenId)}`,
          '',
          'Sign in, open the pending renewal and choose Redeem: the renewed token is shown once, and the',
          'current one keeps working for a grace period so the systems using it can switch over.',
          facts.nextRenewalAt === null
            ? 'If the renewal is not redeemed in time, a new one is offered later.'
            : `If it is not redeemed in time, a new renewal is offered at ${formatTime(facts.nextRenewalAt)}.`,
          '',
          SIGNATURE,
        ].join('\n'),
      };
    }
    case 'revoked-by-other': {
      const name = displayName(facts.tokenName);
      return {
        subject: `Your API token "${name}" was revoked`,
        text: [
          ...revokedLines(`Your API token "${name}" (${facts.tokenId})`, facts),
          'Every request made with it is refused from now on.',
          '',
          'If it is still needed, create a new token in the console and replace it in the systems that',
          'use it. If you did not expect this, ask the administrators of your organisation why.',
          `The token's page: ${page(facts.tokenId)}`,
          '',
          SIGNATURE,
        ].join('\n'),
      };
    }
    case 'technical-owner-rotated': {
      const name = displayName(facts.tokenName);
      return {
        subject: `API key "${name}" was rotated: update your systems`,
        text: [
          greeting(facts.technicalOwnerName),
          '',
          `You are named as the technical owner of the API key "${name}". It was rotated by`,
          `${who(facts.rotatedBy)}: a new key replaces it.`,
          '',
          `Previous key: ${facts.oldTokenId}`,
          `  keeps working until ${formatTime(facts.oldTokenEndsAt)}, then stops.`,
          `New key:      ${facts.newTokenId}`,
          '',
          'What to do:',
          '  1. Receive the new key through your organisation’s approved secure process; it is never sent',
          '     by mail.',
          '  2. Put it in place in every system that uses this key before the previous one stops.',
          `  3. Tell ${who(facts.rotatedBy)} that the update is complete.`,
          '',
          `The new key's page: ${page(facts.newTokenId)}`,
          '',
          SIGNATURE,
        ].join('\n'),
      };
    }
    case 'idle-warning': {
      const name = displayName(facts.tokenName);
      const role =
        facts.recipient === 'owner'
          ? `Your API token "${name}" (${facts.tokenId})`
          : `The API key "${name}" (${facts.tokenId}), of which you are named the technical owner,`;
      return {
        subject: `API token "${name}" will be revoked on ${formatTime(facts.revokeAt).slice(0, 10)}: unused`,
        text: [
          ...(facts.recipient === 'technical-owner' ? [greeting(facts.technicalOwnerName), ''] : []),
          `${role} has not been used since ${formatTime(facts.idleSince)}.`,
          "Your organisation's idle policy revokes tokens nobody uses: this one will be revoked",
          `automatically at ${formatTime(facts.revokeAt)}.`,
          '',
          'If it is still needed, simply use it before then: any successful use keeps it. If it is not',
          'needed any more, you can revoke it now on its page:',
          `  ${page(facts.tokenId)}`,
          '',
          SIGNATURE,
        ].join('\n'),
      };
    }
    case 'technical-owner-revoked': {
      const name = displayName(facts.tokenName);
      return {
        subject: `API key "${name}" was revoked`,
        text: [
          greeting(facts.technicalOwnerName),
          '',
          `You are named as the technical owner of the API key "${name}" (${facts.tokenId}).`,
          ...revokedLines('It', facts),
          'Every request made with it is refused from now on; revocation cannot be undone.',
          '',
          'If a system still uses this key, switch it to its replacement key, or ask the person who',
          'revoked it for a new one.',
          `The key's page: ${page(facts.tokenId)}`,
          '',
          SIGNATURE,
        ].join('\n'),
      };
    }
    case 'leak-revoked': {
      const name = displayName(facts.tokenName);
      const role = facts.recipient === 'owner' ? 'You own' : 'You are named as the technical owner of';
      const found =
        facts.url === null
          ? []
          : [
              `Where it was found: ${oneLine(facts.url).slice(0, 500)}${facts.source ? ` (${oneLine(facts.source).slice(0, 60)})` : ''}`,
            ];
      const what =
        facts.reason === 'leaked'
          ? [
              `Secret scanning found it in a public place and reported it to Latchkey; it was revoked at`,
              `once, at ${formatTime(facts.revokedAt)}.`,
              ...found,
            ]
          : [
              `Someone holding it revoked it at ${formatTime(facts.revokedAt)}, by presenting the token itself`,
              '(as anyone who holds a token may do when they see it has leaked).',
            ];
      return {
        subject:
          facts.reason === 'leaked'
            ? `API token "${name}" was found exposed and revoked`
            : `API token "${name}" was revoked by its holder`,
        text: [
          facts.recipient === 'owner' ? 'Hello,' : greeting(facts.technicalOwnerName),
          '',
          `${role} the API token "${name}" (${facts.tokenId}).`,
          ...what,
          'Every request made with it is refused from now on; revocation cannot be undone.',
          '',
          'What to do:',
          '  1. Remove the token from wherever it was published or stored in plain text.',
          '  2. Create a new token and put it in place in the systems that used this one.',
          '  3. Review in the audit log what the token was used for before it was revoked.',
          `The token's page: ${page(facts.tokenId)}`,
          '',
          SIGNATURE,
        ].join('\n'),
      };
    }
  }
}

/** "… was revoked by X at T." or, for the idle policy, why it was revoked without anyone acting. */
function revokedLines(
  what: string,
  facts: { revokedBy: string; revokedAt: string; reason?: 'manual' | 'idle' },
): string[] {
  if (facts.reason === 'idle') {
    return [
      `${what} was revoked automatically at ${formatTime(facts.revokedAt)}: it had not been used for`,
      "as long as your organisation's idle policy allows.",
    ];
  }
  return [`${what} was revoked by ${who(facts.revokedBy)} at ${formatTime(facts.revokedAt)}.`];
}

function greeting(name: string | null): string {
  return name ? `Hello ${oneLine(name).slice(0, 128)},` : 'Hello,';
}

function who(userId: string): string {
  return oneLine(userId).slice(0, 120);
}

/** `2025-03-01 14:00:00 UTC` */
export function formatTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return 'an unknown time';
  return `${time.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function displayName(name: string): string {
  const clean = oneLine(name);
  return clean.length > 120 ? `${clean.slice(0, 119)}…` : clean;
}

function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

function mask(text: string): string {
  return text.replace(SECRET_SHAPED, '[redacted]');
}
