import { Injectable } from '@nestjs/common';
import type { CacheEntryRejection } from '@latchkey/contracts';

/**
 * The verifier's counters, served at `GET /metrics` in the Prometheus text format. Counters only count
 * up; they live as long as the process.
 */
@Injectable()
export class VerifierMetrics {
  private readonly rejected = new Map<string, number>();
  private readonly gauges = new Map<string, { help: string; read: () => number }>();

  /** A value read when scraped, e.g. how many entries a cache holds. */
  registerGauge(name: string, help: string, read: () => number): void {
    this.gauges.set(name, { help, read });
  }

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
    for (const [name, { help, read }] of this.gauges) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${read()}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
