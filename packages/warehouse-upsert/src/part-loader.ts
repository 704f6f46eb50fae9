import type { CsvLoad, Warehouse } from '@etl/warehouse';
import type { PlanStep } from '@etl/table-sync';

/**
 * COPYs staged parts into the staging table while later parts are still being written: the
 * staging table's statements first (one transaction), then one COPY per part, one at a time, in part
 * order. Each COPY commits on its own (on Redshift every COPY does), which only the staging table
 * sees; the target changes in the merge alone. The first failure stops the rest and is kept for
 * `settled`, which waits for whatever is still running (a caller must not drop the table under a
 * running COPY). `ran` lists the statements sent, in order: the plan as it ran.
 */
export class PartLoader {
  readonly ran: PlanStep[] = [];
  private queue: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly warehouse: Warehouse,
    private readonly signal: AbortSignal,
  ) {}

  /** The staging table's statements, in one transaction, before any part's COPY. */
  prepare(steps: readonly PlanStep[]): void {
    this.then(async () => {
      this.ran.push(...steps);
      await this.warehouse.transaction(
        steps.map((s) => s.sql),
        { signal: this.signal },
      );
    });
  }

  /** One staged part's COPY, after the parts before it. */
  copy(step: PlanStep & { load: CsvLoad }): void {
    this.then(async () => {
      const { load: _load, ...shown } = step;
      this.ran.push(shown);
      await this.warehouse.loadCsv(step.load, { signal: this.signal });
    });
  }

  /** Resolves once nothing is running; rejects with the first failure, if any. */
  async settled(): Promise<void> {
    await this.queue;
    if (this.failure) throw this.failure.error;
  }

  private then(work: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.failure) return;
      try {
        await work();
      } catch (error) {
        this.failure = { error };
      }
    });
  }
}
