import type { Registry } from 'prom-client';

/** One label set's observations: non-cumulative bucket counts, sum and count, as plain numbers. */
export class HistogramCell {
  private readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  /** Adds one observation: a few comparisons and three additions, no allocation. */
  observe(value: number): void {
    const { bounds } = this;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        this.counts[i] += 1;
        break;
      }
    }
    this.sum += value;
    this.count += 1;
  }

  /** Cumulative count of observations at or below each bound (Prometheus `le` buckets). */
  cumulative(): number[] {
    let total = 0;
    return Array.from(this.counts, (count) => (total += count));
  }
}

interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

/**
 * A Prometheus histogram over a fixed set of label sets, for the verify path: each label set is a
 * `HistogramCell` bound once, whose `observe` is plain arithmetic (prom-client's own `observe` hashes
 * the labels and validates them on every call, over a microsecond at the verifier's rates). Registered
 * in the service's prom-client registry (`registerMetric`), which renders it with the other series as a
 * standard histogram: `_bucket{le}`, `_sum`, `_count`.
 */
export class FixedLabelHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly cells = new Map<string, HistogramCell>();

  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {
    registry.registerMetric(this as never);
  }

  /** The cell of a label set, created (at zero) on first request: bind it once, observe on it often. */
  cell(key: string, labels: Record<string, string>): HistogramCell {
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = new HistogramCell(labels, this.bounds);
      this.cells.set(key, cell);
    }
    return cell;
  }

  /** What prom-client's registry renders (the shape of its own metrics' `get()`). */
  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    const values: Sample[] = [];
    for (const cell of this.cells.values()) {
      const cumulative = cell.cumulative();
      this.bounds.forEach((le, i) =>
        values.push({
          labels: { le, ...cell.labels },
          value: cumulative[i],
          metricName: `${this.name}_bucket`,
        }),
      );
      values.push({
        labels: { le: '+Inf', ...cell.labels },
        value: cell.count,
        metricName: `${this.name}_bucket`,
      });
      values.push({ labels: { ...cell.labels }, value: cell.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...cell.labels }, value: cell.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
  }

  reset(): void {
    this.cells.clear();
  }
}
