import { Injectable } from '@nestjs/common';
import type { CacheEntryRejection } from '@latchkey/contracts';

/**
 * The verifier's counters, served at `GET /metrics` in the Prometheus text format. Counters only count
 * up; they live as long as the process.
 */
@Injectable()
export class VerifierMetrics {
  private readonly rejected = new Map<string, number>();

  /** A cache entry that was not believed (treated as a miss). */
  cacheEntryRejected(cache: string, reason: CacheEntryRejection): void {
    const labels = `cache="${cache}",reason="${reason}"`;
    this.rejected.set(labels, (this.rejected.get(labels) ?? 0) + 1);
  }

  render(): string {
    const lines = [
      '# HELP latchkey_verifier_cache_entries_rejected_total Cache entries not believed (bad MAC, expired, malformed); each was treated as a miss.',
      '# TYPE latchkey_verifier_cache_entries_rejected_total counter',
    ];
    for (const [labels, count] of this.rejected) {
      lines.push(`latchkey_verifier_cache_entries_rejected_total{${labels}} ${count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
