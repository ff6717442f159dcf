import { z } from 'zod';
import { assertSafeValue, jsonDepthExceeds } from '@latchkey/service-runtime';
import { LeakError, LeakErrorCode } from './leaks.errors';

/** One match a secret scanner reports (GitHub's partner protocol: `{token, type, url, source}`). */
export interface ReportedLeak {
  token: string;
  /** The scanner's name of the secret type (echoed back as `token_type`). */
  type: string | null;
  /** Where it was found. */
  url: string | null;
  /** What kind of place: GitHub says `content`, `commit`, `pull_request_description`, `gist`, `npm`… */
  source: string | null;
}

/** What Latchkey found for one reported token. */
export type LeakFinding =
  /** A live token: revoked by this report. */
  | 'revoked'
  /** A Latchkey token revoked earlier (by an admin, its holder, or an earlier report). */
  | 'already_revoked'
  /** A Latchkey token that had expired: it opens nothing any more, so nothing is changed. */
  | 'expired'
  /** Shaped like a token (prefix, length, checksum) but no token has this hash. */
  | 'unknown'
  /** Not shaped like a Latchkey token at all. */
  | 'malformed';

/** The partner protocol's answer for one token (GitHub's "feedback" array). */
export interface LeakOutcome {
  token_raw: string;
  token_type: string | null;
  label: 'true_positive' | 'false_positive';
}

/**
 * A real Latchkey token is a true positive whatever its state: a revoked or expired token that was
 * published is still a genuine secret of ours, found where it should not be. Anything no token of
 * ours matches — a well-formed string of the right shape with no such hash, or a lookalike — is a
 * false positive. The label never says which tenant or whether the token still worked.
 */
export function labelOf(finding: LeakFinding): LeakOutcome['label'] {
  switch (finding) {
    case 'revoked':
    case 'already_revoked':
    case 'expired':
      return 'true_positive';
    case 'unknown':
    case 'malformed':
      return 'false_positive';
  }
}

export function outcomeOf(leak: ReportedLeak, finding: LeakFinding): LeakOutcome {
  return { token_raw: leak.token, token_type: leak.type, label: labelOf(finding) };
}

const MAX_DEPTH = 4;
const optionalText = (max: number) => z.string().max(max).nullable().optional();
const item = z.object({
  token: z.string().min(1).max(512),
  type: optionalText(256),
  url: optionalText(2_048),
  source: optionalText(256),
});

/**
 * The report's matches, from the raw body (already authenticated): a JSON array of objects with a
 * `token` string and optional `type`, `url` and `source` strings; unknown fields are ignored (the
 * protocol may grow). Anything else is 400 LEAK_REPORT_MALFORMED; a token is never quoted in the error.
 */
export function parseLeakReport(body: Buffer | undefined, maxTokens: number): ReportedLeak[] {
  if (body === undefined || body.length === 0) throw malformed('The body is empty.');
  if (jsonDepthExceeds(body, MAX_DEPTH)) throw malformed('The body nests deeper than a report does.');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw malformed('The body is not UTF-8 JSON.');
  }
  assertSafeValue(json, 'body');
  const parsed = z.array(item).max(maxTokens).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw malformed(
      issue.code === 'too_big' && issue.path.length === 0
        ? `A report lists at most ${maxTokens} tokens.`
        : `Expected a JSON array of {token, type, url, source}; wrong at ${issue.path.join('.') || 'the top'}.`,
    );
  }
  return parsed.data.map((entry) => ({
    token: entry.token,
    type: entry.type ?? null,
    url: entry.url ?? null,
    source: entry.source ?? null,
  }));
}

function malformed(detail: string): LeakError {
  return new LeakError(LeakErrorCode.ReportMalformed, detail);
}
