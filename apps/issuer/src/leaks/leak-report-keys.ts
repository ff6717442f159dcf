import { Inject, Injectable, Logger } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { parseKeysDocument, type VerificationKey } from './leak-signature';
import { LeakError, LeakErrorCode } from './leaks.errors';

export type KeysSettings = Pick<
  IssuerConfig,
  | 'LEAK_REPORT_KEYS_URL'
  | 'LEAK_REPORT_PUBLIC_KEYS'
  | 'LEAK_REPORT_KEYS_TIMEOUT_MS'
  | 'LEAK_REPORT_KEYS_CACHE_MS'
  | 'LEAK_REPORT_KEYS_REFRESH_MIN_MS'
>;

/** Fetches the keys document at `url` within `timeoutMs`: its parsed JSON. */
export type KeysFetcher = (url: string, timeoutMs: number) => Promise<unknown>;

export const fetchKeysDocument: KeysFetcher = async (url, timeoutMs) => {
  const response = await fetch(url, {
    signal: AbortSignal.timeout(timeoutMs),
    headers: { accept: 'application/json' },
    redirect: 'error',
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
};

/** Clock of the cache, in epoch milliseconds. */
export type Clock = () => number;

interface FetchedKeys {
  keys: Map<string, KeyObject>;
  fetchedAt: number;
}

/**
 * The keys leak reports are verified with: those given inline first, then those of the configured
 * keys document, fetched with a timeout and cached. A report naming a key the cache lacks fetches the
 * document again, at most once per LEAK_REPORT_KEYS_REFRESH_MIN_MS (so unsigned noise cannot make the
 * issuer hammer the scanner), and concurrent reports share one fetch. A failed fetch keeps the last
 * document; with none at all the report is answered 503, so the scanner tries again.
 */
@Injectable()
export class LeakReportKeys {
  private readonly logger = new Logger(LeakReportKeys.name);
  private readonly inline: Map<string, KeyObject>;
  private fetched: FetchedKeys | undefined;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;

  constructor(
    @Inject(ISSUER_CONFIG) private readonly settings: KeysSettings,
    private readonly fetcher: KeysFetcher = fetchKeysDocument,
    private readonly clock: Clock = Date.now,
  ) {
    this.inline = new Map(settings.LEAK_REPORT_PUBLIC_KEYS.map((k: VerificationKey) => [k.id, k.key]));
  }

  /** Whether any key source is configured: without one the intake is off. */
  get enabled(): boolean {
    return this.inline.size > 0 || this.settings.LEAK_REPORT_KEYS_URL !== undefined;
  }

  /** The key named `id`, or undefined when no source has it. */
  async keyFor(id: string): Promise<KeyObject | undefined> {
    const inline = this.inline.get(id);
    if (inline) return inline;
    if (this.settings.LEAK_REPORT_KEYS_URL === undefined) return undefined;
    const now = this.clock();
    const cached = this.fetched?.keys.get(id);
    const fresh =
      this.fetched !== undefined && now - this.fetched.fetchedAt < this.settings.LEAK_REPORT_KEYS_CACHE_MS;
    if (cached && fresh) return cached;
    const mayFetch = now - this.lastAttempt >= this.settings.LEAK_REPORT_KEYS_REFRESH_MIN_MS;
    if (mayFetch || this.inFlight) await this.refresh();
    if (this.fetched === undefined) {
      throw new LeakError(
        LeakErrorCode.KeysUnavailable,
        'The keys to verify leak reports with could not be fetched. Try again later.',
      );
    }
    return this.fetched.keys.get(id);
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.fetchOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchOnce(): Promise<void> {
    const url = this.settings.LEAK_REPORT_KEYS_URL;
    if (url === undefined) return;
    this.lastAttempt = this.clock();
    try {
      const document = await this.fetcher(url, this.settings.LEAK_REPORT_KEYS_TIMEOUT_MS);
      const keys = parseKeysDocument(document);
      this.fetched = { keys: new Map(keys.map((k) => [k.id, k.key])), fetchedAt: this.clock() };
      this.logger.log({ msg: 'leak report keys fetched', keys: keys.length });
    } catch (error) {
      // The last document (if any) stays in use; the next fetch waits for the refresh interval.
      this.logger.warn({
        msg: 'leak report keys not fetched',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
