/** What one component of a run did. Rows are records; bytes are what crossed the component's edge. */
export interface ComponentMetrics {
  role: ComponentRole;
  rowsIn: number;
  rowsOut: number;
  /** Records sent to the rejects output with a reason. */
  rejected: number;
  /** Records a stage chose not to pass on (filtered, deduplicated); counted, never silent. */
  dropped: number;
  bytesIn: number;
  bytesOut: number;
}

/** `reader`: turns a byte source into rows (a CSV or NDJSON parser); its rows in are the rows read. */
export type ComponentRole = 'source' | 'reader' | 'stage' | 'sink';

export interface RunTotals {
  rowsRead: number;
  /** Sum over sinks: with two sinks (e.g. DynamoDB and Parquet) a row written to both counts twice. */
  rowsWritten: number;
  rowsRejected: number;
  rowsDropped: number;
  /**
   * Bytes read: what sources fetched or what parsers (readers) parsed, the larger (a parser often
   * parses what a source fetched; inside a row source only the parser counts). A parser counts what
   * it parses: a gzipped file's bytes after inflating.
   */
  bytesIn: number;
  bytesOut: number;
}

type MetricField = Exclude<keyof ComponentMetrics, 'role'>;

/** Counts per component plus free-form job metrics (items new / changed / unchanged …). Cheap enough for hot paths. */
export class Counters {
  private readonly components = new Map<string, ComponentMetrics>();
  private readonly metrics = new Map<string, number>();

  component(name: string, role: ComponentRole = 'stage'): ComponentMetrics {
    let entry = this.components.get(name);
    if (!entry) {
      entry = { role, rowsIn: 0, rowsOut: 0, rejected: 0, dropped: 0, bytesIn: 0, bytesOut: 0 };
      this.components.set(name, entry);
    }
    return entry;
  }

  add(name: string, field: MetricField, amount = 1): void {
    this.component(name)[field] += amount;
  }

  /** Job-specific figures that belong in the run report, e.g. `items.unchanged`. */
  increment(metric: string, amount = 1): void {
    this.metrics.set(metric, (this.metrics.get(metric) ?? 0) + amount);
  }

  metric(metric: string): number {
    return this.metrics.get(metric) ?? 0;
  }

  snapshotComponents(): Record<string, ComponentMetrics> {
    return Object.fromEntries([...this.components].map(([name, m]) => [name, { ...m }]));
  }

  snapshotMetrics(): Record<string, number> {
    return Object.fromEntries(this.metrics);
  }

  totals(): RunTotals {
    const totals: RunTotals = { rowsRead: 0, rowsWritten: 0, rowsRejected: 0, rowsDropped: 0, bytesIn: 0, bytesOut: 0 };
    /** Bytes the parsers (CSV, NDJSON) parsed: the same bytes as a counted source's when they parse its output. */
    let readerBytes = 0;
    for (const m of this.components.values()) {
      if (m.role === 'source') {
        totals.rowsRead += m.rowsOut;
        totals.bytesIn += m.bytesIn;
      }
      if (m.role === 'reader') {
        totals.rowsRead += m.rowsIn;
        readerBytes += m.bytesIn;
      }
      if (m.role === 'sink') {
        totals.rowsWritten += m.rowsOut;
        totals.bytesOut += m.bytesOut;
      }
      totals.rowsRejected += m.rejected;
      totals.rowsDropped += m.dropped;
    }
    // A parser behind a byte source (objectSource -> ndjsonParser) counts the bytes the source counted;
    // one inside a row source (openRows, registered as a stage) is the only count. Either way, the larger.
    totals.bytesIn = Math.max(totals.bytesIn, readerBytes);
    return totals;
  }
}
