import { rm } from 'node:fs/promises';
import type { RecordBatch } from '@etl/core';
import type { Value } from '@etl/schema';
import { hashMapKey, mapKeyOf, type MapKey } from './key.js';
import { checkColumn, failOnProblems, resolveSpillOptions, type ResolvedSpillOptions, type SpillOptions } from './options.js';
import { compareOrder } from './order.js';
import { PartitionedSpill } from './partitioned-spill.js';
import { entryBytes, MAX_MAP_KEYS, rowBytes } from './row-size.js';
import { readSpillFile } from './spill-file.js';
import { SpillFolder } from './spill-folder.js';
import { throwIfAborted } from './abort.js';

export interface DedupLatestOptions extends SpillOptions {
  /** The key's column indexes (one or more); keys compare as `encodeKey` says (type-aware: `1` and `'1'` differ). */
  keyColumns: readonly number[];
  /**
   * The column whose greatest value wins (`updated_at`; `compareOrder`: timestamps as bigint
   * microseconds, null loses to any value). On a tie, and without an order column, the row read last wins.
   */
  orderColumn?: number;
}

export interface DedupCounts {
  rowsIn: number;
  rowsOut: number;
  /** `rowsIn - rowsOut` once the output is read to its end. */
  duplicatesRemoved: number;
  /** Rows written to spill files (a row re-partitioned is counted again). */
  spilledRows: number;
  /** Spill files written, over every level of re-partitioning. */
  partitions: number;
}

/** How far replacements may grow the held rows past the budget before they are written out too. */
const OVERSHOOT = 1.25;
/** A partition re-partitioned this many times is deduplicated in memory whatever its size (it cannot happen short of a broken hash). */
const MAX_LEVEL = 8;

type Rows = AsyncIterable<RecordBatch<Value[]>> | Iterable<RecordBatch<Value[]>>;

/**
 * One row per key, the row with the greatest `orderColumn` value winning, the row read last on a tie:
 * `QUALIFY row_number() OVER (PARTITION BY key ORDER BY order DESC NULLS LAST, arrival DESC) = 1`.
 * Rows are held in a `Map` up to `memoryBytes` (a hybrid hash: once it is full, the keys held stay and
 * take their later rows in memory, rows of other keys are hash-partitioned to spill files, and the held
 * keys are final at the end of the input; should the held keys' later rows outgrow the budget by a
 * quarter, they are written out too); each partition is then deduplicated on its own (a partition keeps
 * arrival order, so the tie rule holds), re-partitioned when it still does not fit. Output batch order:
 * the held keys first, in first-seen order, then the partitions' in an unspecified order.
 *
 *   const dedup = dedupLatest(batches, { keyColumns: [0], orderColumn: 3, tempDir });
 *   for await (const batch of dedup) write(batch);
 *   dedup.counts; // { rowsIn, rowsOut, duplicatesRemoved, spilledRows, partitions }
 *
 * Options are checked here (a `TerminalError`); the spill folder is removed when the output ends, when
 * it is left early (`break`), and on any error of the input or of the disk.
 */
export function dedupLatest(rows: Rows, options: DedupLatestOptions): DedupLatest {
  return new DedupLatest(rows, options);
}

export class DedupLatest implements AsyncIterable<Value[][]> {
  readonly counts: DedupCounts = { rowsIn: 0, rowsOut: 0, duplicatesRemoved: 0, spilledRows: 0, partitions: 0 };
  private readonly keyColumns: readonly number[];
  private readonly orderColumn: number | undefined;
  private readonly resolved: ResolvedSpillOptions;
  private started = false;

  constructor(
    private readonly rows: Rows,
    options: DedupLatestOptions,
  ) {
    const problems: string[] = [];
    this.resolved = resolveSpillOptions(options, problems);
    if (!Array.isArray(options.keyColumns) || options.keyColumns.length === 0) problems.push('keyColumns must name at least one column');
    else {
      for (const column of options.keyColumns) checkColumn(column, 'keyColumns', options.schema, problems);
      if (new Set(options.keyColumns).size !== options.keyColumns.length) problems.push('keyColumns names a column twice');
    }
    if (options.orderColumn !== undefined) checkColumn(options.orderColumn, 'orderColumn', options.schema, problems);
    failOnProblems('dedupLatest', problems);
    this.keyColumns = [...options.keyColumns];
    this.orderColumn = options.orderColumn;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Value[][]> {
    if (this.started) throw new Error('dedupLatest output can be read once');
    this.started = true;
    const folder = new SpillFolder(this.resolved.tempDir);
    const spills = new Set<PartitionedSpill>();
    try {
      yield* this.level(this.rows, 0, folder, spills);
      this.counts.duplicatesRemoved = this.counts.rowsIn - this.counts.rowsOut;
    } finally {
      for (const spill of spills) spill.discard();
      await folder.remove();
    }
  }

  /** Deduplicates `input` (level 0: the caller's rows; level n: one partition of level n - 1). */
  private async *level(input: Rows, level: number, folder: SpillFolder, spills: Set<PartitionedSpill>): AsyncGenerator<Value[][]> {
    const { rowBudgetBytes, partitions, signal } = this.resolved;
    const held = new Map<MapKey, Value[]>();
    const composite = this.keyColumns.length > 1;
    const partitionOf = (key: MapKey) => hashMapKey(key, composite, level) % partitions;
    let heldBytes = 0;
    // Set when the held rows first fill the budget: from then on the keys held stay in memory (their
    // later rows replace them there) and rows of any other key go straight to a partition file, so
    // what is held and what is on disk never share a key.
    let spill: PartitionedSpill | undefined;
    for await (const batch of input) {
      throwIfAborted(signal);
      if (level === 0) this.counts.rowsIn += batch.length;
      for (const row of batch) {
        const key = mapKeyOf(row, this.keyColumns);
        const current = held.get(key);
        if (current === undefined) {
          if (spill !== undefined) {
            spill.append(partitionOf(key), row);
            continue;
          }
          held.set(key, row);
          heldBytes += entryBytes(key) + rowBytes(row);
          // One row alone never spills: a partition of one key would be re-partitioned for ever.
          if ((heldBytes > rowBudgetBytes || held.size >= MAX_MAP_KEYS) && held.size > 1 && level < MAX_LEVEL) {
            spill = new PartitionedSpill(folder, partitions, level, `dedup-l${level}`);
            spills.add(spill);
          }
        } else if (this.replaces(row, current)) {
          held.set(key, row);
          heldBytes += rowBytes(row) - rowBytes(current);
          if (spill !== undefined && heldBytes > rowBudgetBytes * OVERSHOOT) {
            // Later rows of the held keys grew past the budget: write them all out (after any row of
            // theirs, of which there is none on disk) and send every later row to disk.
            spill.appendKeyed(held, partitionOf);
            held.clear();
            heldBytes = 0;
          }
        }
      }
    }
    const files = spill?.finish() ?? [];
    if (spill !== undefined) spills.delete(spill);
    for (const file of files) {
      if (file === undefined) continue;
      this.counts.spilledRows += file.rows;
      this.counts.partitions++;
    }
    // The held keys have no row on disk: they are final.
    yield* this.emit(held);
    for (const file of files) {
      if (file === undefined) continue;
      yield* this.level(readSpillFile(file.path), level + 1, folder, spills);
      // Each partition's file goes once merged: the disk holds at most one spill's worth at a time.
      await rm(file.path, { force: true });
    }
  }

  /** Whether `row`, read after `current`, replaces it. */
  private replaces(row: readonly Value[], current: readonly Value[]): boolean {
    if (this.orderColumn === undefined) return true;
    return compareOrder(row[this.orderColumn] ?? null, current[this.orderColumn] ?? null) >= 0;
  }

  private *emit(held: Map<MapKey, Value[]>): Generator<Value[][]> {
    const { batchRows } = this.resolved;
    let batch: Value[][] = [];
    for (const row of held.values()) {
      batch.push(row);
      if (batch.length === batchRows) {
        this.counts.rowsOut += batch.length;
        yield batch;
        batch = [];
        throwIfAborted(this.resolved.signal);
      }
    }
    held.clear();
    if (batch.length > 0) {
      this.counts.rowsOut += batch.length;
      yield batch;
    }
  }
}
