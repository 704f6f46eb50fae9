import { closeSync, openSync, readSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { RecordBatch } from '@etl/core';
import type { Value } from '@etl/schema';
import { BATCH_VALUES, checkColumn, failOnProblems, resolveSpillOptions, type ResolvedSpillOptions, type SpillOptions } from './options.js';
import { HeldRecords } from './held-records.js';
import { PartitionedSpill, type SpillPartition } from './partitioned-spill.js';
import {
  compareRecordOrder,
  hashRecordKey,
  maxRecordBytes,
  readRecordRow,
  recordLength,
  writeRecord,
  type RecordLayout,
} from './record-codec.js';
import { RecordTable, SLOT_BYTES } from './record-table.js';
import { readFrames } from './spill-file.js';
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

/** A partition re-partitioned this many times is deduplicated in memory whatever its size (it cannot happen short of a broken hash). */
const MAX_LEVEL = 8;

/** What the level-0 loop carries from batch to batch. */
interface HoldState {
  held: HeldRecords;
  /** Where a row is written when the held buffer has no room left for it. */
  scratch: Buffer;
  spill: PartitionedSpill | undefined;
  folder: SpillFolder;
  spills: Set<PartitionedSpill>;
}

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
  private readonly layout: RecordLayout;
  private partitionTable: RecordTable | undefined;
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
    this.layout = { keyColumns: [...options.keyColumns], orderColumn: options.orderColumn };
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Value[][]> {
    if (this.started) throw new Error('dedupLatest output can be read once');
    this.started = true;
    const folder = new SpillFolder(this.resolved.tempDir);
    const spills = new Set<PartitionedSpill>();
    try {
      yield* this.level(this.rows, folder, spills);
      this.counts.duplicatesRemoved = this.counts.rowsIn - this.counts.rowsOut;
    } finally {
      for (const spill of spills) spill.discard();
      await folder.remove();
    }
  }

  /** Level 0: the caller's rows, held as records up to the budget, the rest hash-partitioned to spill files. */
  private async *level(input: Rows, folder: SpillFolder, spills: Set<PartitionedSpill>): AsyncGenerator<Value[][]> {
    const { rowBudgetBytes, partitions, signal } = this.resolved;
    const layout = this.layout;
    const held = new HeldRecords(rowBudgetBytes);
    // Set when the held keys are full: from then on the keys held stay in memory (their later rows
    // replace them there) and rows of any other key go straight to a partition file, so what is held
    // and what is on disk never share a key.
    const state: HoldState = { held, scratch: Buffer.allocUnsafe(64 * 1024), spill: undefined, folder, spills };
    for await (const batch of input) {
      throwIfAborted(signal);
      this.counts.rowsIn += batch.length;
      this.hold(batch, layout, partitions, state);
    }
    const spill = state.spill;
    const files = spill?.finish() ?? [];
    if (spill !== undefined) spills.delete(spill);
    this.countFiles(files);
    // The held keys have no row on disk: they are final.
    yield* this.emit(held.buffer, held.table.offsetsInFirstSeenOrder());
    held.release();
    for (const file of files) {
      if (file === undefined) continue;
      yield* this.partition(file, 1, held.buffer, folder, spills);
    }
  }

  /** One batch into the held records or the spill (a plain function, not the async generator: the hot loop optimises as one). */
  private hold(batch: RecordBatch<Value[]>, layout: RecordLayout, partitions: number, state: HoldState): void {
    const held = state.held;
    for (const row of batch) {
      // Written where it would be held when there is room, so a held row is not copied again.
      let buffer = held.buffer;
      let at = held.tail;
      let end = writeRecord(row, layout, buffer, at, buffer.length);
      if (end < 0) {
        const needed = maxRecordBytes(row, layout);
        if (needed > state.scratch.length) state.scratch = Buffer.allocUnsafe(needed);
        buffer = state.scratch;
        at = 0;
        end = writeRecord(row, layout, buffer, 0, buffer.length);
      }
      const hash = hashRecordKey(buffer, at, 0);
      const found = held.table.find(hash, buffer, at, held.buffer);
      if (found >= 0) {
        if (compareRecordOrder(buffer, at, held.buffer, held.table.offsets[found] as number) < 0) continue;
        if (held.replace(found, buffer, at, end - at)) continue;
        // Later rows of the held keys filled the memory: write them all out (after any row of
        // theirs, of which there is none on disk) and send every later row to disk.
        const spill = (state.spill ??= this.startSpill(state));
        if (buffer === held.buffer) {
          // The row sits past the held records, where writing them out cannot reach it; keep it safe anyway.
          if (end - at > state.scratch.length) state.scratch = Buffer.allocUnsafe(end - at);
          buffer.copy(state.scratch, 0, at, end);
          buffer = state.scratch;
          end -= at;
          at = 0;
        }
        this.writeHeldOut(held, spill);
        spill.appendRecord(hash % partitions, buffer, at, end);
      } else if (state.spill !== undefined || !held.addNew(found, hash, buffer, at, end - at)) {
        const spill = (state.spill ??= this.startSpill(state));
        spill.appendRecord(hash % partitions, buffer, at, end);
      }
    }
  }

  private startSpill(state: HoldState): PartitionedSpill {
    const spill = new PartitionedSpill(state.folder, this.resolved.partitions, 0, 'dedup-l0');
    state.spills.add(spill);
    return spill;
  }

  /** One partition file of level `level - 1`, deduplicated in memory, or re-partitioned when it does not fit. */
  private async *partition(
    file: SpillPartition,
    level: number,
    reuse: Buffer,
    folder: SpillFolder,
    spills: Set<PartitionedSpill>,
  ): AsyncGenerator<Value[][]> {
    const { rowBudgetBytes, partitions } = this.resolved;
    throwIfAborted(this.resolved.signal);
    // In memory: the file in the held rows' buffer, its table in the rest of the budget.
    const tableBytes = RecordTable.capacityFor(file.rows) * SLOT_BYTES;
    if ((file.bytes > reuse.length || tableBytes > rowBudgetBytes - reuse.length) && level < MAX_LEVEL) {
      const spill = new PartitionedSpill(folder, partitions, level, `dedup-l${level}`);
      spills.add(spill);
      for (const { buffer, start, end } of readFrames(file.path))
        for (let at = start; at < end;) {
          const next = at + recordLength(buffer, at);
          spill.appendRecord(hashRecordKey(buffer, at, level) % partitions, buffer, at, next);
          at = next;
        }
      const files = spill.finish();
      spills.delete(spill);
      await rm(file.path, { force: true });
      this.countFiles(files);
      for (const part of files) if (part !== undefined) yield* this.partition(part, level + 1, reuse, folder, spills);
      return;
    }
    // The whole file in one buffer (the held rows' buffer; a larger one only past the last level), the
    // winners found from the records' bytes; only they are decoded.
    const buffer = file.bytes <= reuse.length ? reuse : Buffer.allocUnsafe(file.bytes);
    readWhole(file.path, buffer, file.bytes);
    await rm(file.path, { force: true });
    // One table for every partition (made per partition, its arrays churned the garbage collector).
    const table = (this.partitionTable ??= new RecordTable(16, false));
    table.reset(RecordTable.capacityFor(file.rows));
    for (let at = 0; at < file.bytes;) {
      const hash = hashRecordKey(buffer, at, level);
      const found = table.find(hash, buffer, at, buffer);
      if (found < 0) table.insert(found, hash, at, buffer);
      // Rows keep their order in a partition: on a tie the later one wins.
      else if (compareRecordOrder(buffer, at, buffer, table.offsets[found] as number) >= 0) table.replace(found, at, buffer);
      at += recordLength(buffer, at);
    }
    yield* this.emit(buffer, table.offsetsInFirstSeenOrder());
  }

  private countFiles(files: ReadonlyArray<SpillPartition | undefined>): void {
    for (const file of files) {
      if (file === undefined) continue;
      this.counts.spilledRows += file.rows;
      this.counts.partitions++;
    }
  }

  /** Writes every held record to its partition and forgets them. */
  private writeHeldOut(held: HeldRecords, spill: PartitionedSpill): void {
    const { partitions } = this.resolved;
    const offsets = held.table.offsetsInFirstSeenOrder();
    for (const offset of offsets) {
      spill.appendRecord(
        hashRecordKey(held.buffer, offset, 0) % partitions,
        held.buffer,
        offset,
        offset + recordLength(held.buffer, offset),
      );
    }
    held.clear();
  }

  /** The rows of the records at `offsets`, in batches of `batchRows` rows or `BATCH_VALUES` values. */
  private *emit(buffer: Buffer, offsets: Int32Array): Generator<Value[][]> {
    const { batchRows } = this.resolved;
    let batch: Value[][] = [];
    let values = 0;
    for (const offset of offsets) {
      const row = readRecordRow(buffer, offset);
      batch.push(row);
      values += row.length;
      if (batch.length === batchRows || values >= BATCH_VALUES) {
        this.counts.rowsOut += batch.length;
        yield batch;
        batch = [];
        values = 0;
        throwIfAborted(this.resolved.signal);
      }
    }
    if (batch.length > 0) {
      this.counts.rowsOut += batch.length;
      yield batch;
    }
  }
}

/** Reads the first `bytes` of the file at `path` into `buffer`. */
function readWhole(path: string, buffer: Buffer, bytes: number): void {
  const fd = openSync(path, 'r');
  try {
    let read = 0;
    while (read < bytes) {
      const n = readSync(fd, buffer, read, bytes - read, null);
      if (n === 0) throw new Error(`spill file ${path} ends at byte ${read}, before its ${bytes} bytes`);
      read += n;
    }
  } finally {
    closeSync(fd);
  }
}
