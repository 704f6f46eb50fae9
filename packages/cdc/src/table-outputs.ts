import type { ComponentMetrics, RunContext } from '@etl/core';
import { ParquetDataset, type DatasetResult } from '@etl/dataset';
import { joinUri, type ObjectStore } from '@etl/object-store';
import type { Schema, Value } from '@etl/schema';

export interface TableOutputOptions {
  /** `<output_path>/<table>`. */
  prefix: string;
  schema: Schema;
  /** A keyed table also has `current/`. */
  withCurrent: boolean;
  keepGenerations: number;
  /** `YYYY-MM-DD` of the run (UTC): the changes' `load_date=` folder. */
  loadDate: string;
  staleAfterHours?: number;
}

/**
 * A table's two Parquet datasets: `changes/load_date=…/run_id=…/` (append) and `current/` (a new
 * generation each run, named by `current/_manifest.json`). Published changes first, then current:
 * a run killed between them leaves current and the watermark as they were; the rerun merges those
 * changes into current (`loadTable`) instead of repeating them.
 */
export class TableOutputs {
  readonly changes: ParquetDataset;
  readonly current: ParquetDataset | undefined;
  private connected: ParquetDataset[] = [];
  private metrics: { changes?: ComponentMetrics; current?: ComponentMetrics } = {};

  constructor(
    private readonly store: ObjectStore,
    readonly options: TableOutputOptions,
  ) {
    const stale = options.staleAfterHours === undefined ? {} : { staleAfterHours: options.staleAfterHours };
    this.changes = new ParquetDataset(store, {
      prefix: joinUri(options.prefix, 'changes'),
      schema: options.schema,
      mode: 'append',
      generation: `load_date=${options.loadDate}/run_id={runId}`,
      ...stale,
    });
    this.current = options.withCurrent
      ? new ParquetDataset(store, {
          prefix: joinUri(options.prefix, 'current'),
          schema: options.schema,
          keepGenerations: options.keepGenerations,
          ...stale,
        })
      : undefined;
  }

  async connect(ctx: RunContext): Promise<void> {
    // Counted as the run's sinks (the report's rowsWritten) once published.
    this.metrics = {
      changes: ctx.counters.component(this.changes.options.name, 'sink'),
      ...(this.current ? { current: ctx.counters.component(this.current.options.name, 'sink') } : {}),
    };
    for (const dataset of [this.changes, this.current]) {
      if (!dataset) continue;
      await dataset.connect(ctx);
      this.connected.push(dataset);
    }
  }

  /** The publish: changes' manifest, then current's (with the watermark among its annotations). */
  async publish(ctx: RunContext, annotations: Record<string, string>): Promise<{ changes: DatasetResult; current?: DatasetResult }> {
    const changes = await this.changes.close(ctx, annotations);
    count(this.metrics.changes, changes);
    const current = this.current ? await this.current.close(ctx, annotations) : undefined;
    if (current) count(this.metrics.current, current);
    return { changes, ...(current ? { current } : {}) };
  }

  /** Nothing of this run stays (a dataset already published is left as it is). */
  async abort(reason: unknown, ctx: RunContext): Promise<void> {
    await Promise.allSettled(this.connected.map((d) => d.abort(reason, ctx)));
  }

  /** `abort` when there is nothing to publish (not a failure: logged at debug level). */
  async discard(why: string, ctx: RunContext): Promise<void> {
    await Promise.allSettled(this.connected.map((d) => d.discard(why, ctx)));
  }

  writeChanges(rows: Value[][]): Promise<number> {
    return this.changes.writeRows(rows);
  }

  writeCurrent(rows: Value[][]): Promise<number> {
    if (!this.current) throw new Error('a table without a key has no current state');
    return this.current.writeRows(rows);
  }
}

/** Rows published count as written (rows of a run that publishes nothing do not). */
function count(metrics: ComponentMetrics | undefined, published: DatasetResult): void {
  if (!metrics) return;
  metrics.rowsIn += published.rows;
  metrics.rowsOut += published.rows;
  metrics.bytesOut += published.bytes;
}
