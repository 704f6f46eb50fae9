import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { TerminalError, type RecordBatch } from '@etl/core';
import type { Value } from '@etl/schema';
import { throwIfAborted } from './abort.js';
import { BATCH_VALUES, checkColumn, failOnProblems, resolveSpillOptions, type ResolvedSpillOptions, type SpillOptions } from './options.js';
import { PartitionedSpill, type SpillPartition } from './partitioned-spill.js';
import {
  hashRecordKey,
  maxRecordBytes,
  pushRecordRow,
  readRecordKey,
  readRecordOrder,
  recordLength,
  writeRecordWith,
} from './record-codec.js';
import { RecordTable, SLOT_BYTES } from './record-table.js';
import { readFrames } from './spill-file.js';
import { SpillFolder } from './spill-folder.js';

/** `inner`: keys in every input; `left`: every key of the first input; `full`: every key of any input. */
export type JoinType = 'inner' | 'left' | 'full';

type Rows = AsyncIterable<RecordBatch<Value[]>> | Iterable<RecordBatch<Value[]>>;

export interface KeyJoinInput {
  /** Names the input in counts and errors (a table's name). */
  name: string;
  rows: Rows;
  /** The key's column (one column, already normalised to one type across inputs: compared as a `Map` compares). */
  keyColumn: number;
  /** The input's column count: a key the input lacks gets this many nulls in its place. */
  columns: number;
  /**
   * Restricts the output to keys with at least one changed row in some input (an incremental run):
   * when any input has it, only keys for which it returned true (in any input) are joined. An input
   * without it then contributes rows but no changed keys.
   */
  changed?: (row: readonly Value[]) => boolean;
}

export interface KeyJoinOptions extends Omit<SpillOptions, 'schema'> {
  /** `inner` (default: keys in every input), `left` (every key of the first input) or `full` (every key of any input). */
  type?: JoinType;
  /** A key that would produce more joined rows than this fails the join (`KeyFanoutError`); default no limit. */
  maxFanout?: number;
  /**
   * Called when reading an input fails: true leaves the input out (its rows read so far are
   * discarded, the join goes on without it, `counts.skipped` names it); false (default) fails the join.
   * The first input of a `left` join cannot be left out.
   */
  skipFailedInput?: (input: string, error: unknown) => boolean;
}

export interface KeyJoinInputCounts {
  name: string;
  rows: number;
  /** Rows with a null key: matched nothing and left out (give them to the rejects before the join). */
  nullKeys: number;
  /** Keys with more than one row in this input, and the rows they hold: what multiplies the output. */
  keysRepeated: number;
  rowsInRepeatedKeys: number;
  /** Rows for which `changed` returned true. */
  rowsChanged: number;
  /** Why the input was left out (`skipFailedInput`), else undefined. */
  skipped?: string;
}

export interface KeyJoinCounts {
  inputs: KeyJoinInputCounts[];
  rowsOut: number;
  keysOut: number;
  /** The most joined rows one key produced. */
  maxFanout: number;
  /** Rows written to spill files (a re-partitioned row counts again) and files written. */
  spilledRows: number;
  partitions: number;
}

/** A key that would produce more joined rows than `maxFanout`: which key, and each input's rows of it. */
export class KeyFanoutError extends TerminalError {
  constructor(
    readonly key: Value,
    readonly rowsOut: number,
    readonly rowsPerInput: ReadonlyArray<{ name: string; rows: number }>,
    readonly limit: number,
  ) {
    super(
      'BAD_INPUT',
      `key ${String(key)} would produce ${rowsOut} joined rows, more than ${limit} (${rowsPerInput.map((i) => `${i.name}: ${i.rows} rows`).join(', ')})`,
      { details: { key: String(key), rowsOut, rowsPerInput, limit } },
    );
  }
}

const MAX_LEVEL = 8;

/**
 * An equi-join of any number of inputs on one key column, in bounded memory: every input is
 * hash-partitioned by its key to spill files (`PartitionedSpill`, shared with `dedupLatest`), then each partition is joined in memory, all inputs' rows of a key side by side, and
 * re-partitioned when its files are too big for `memoryBytes`. Because every input's rows of a key
 * meet in one place, a key's fan-out (the product of its inputs' row counts) is known before its rows
 * are made, and `maxFanout` fails the join there.
 *
 * Output rows are `[key, ...input 0's row, ...input 1's row, …]`, nulls in place of an input without
 * the key, the inputs' rows of a key combined as a cross product (SQL's join on `=` chained through the
 * inputs, the key coalesced as `USING (key)` does). Batch order is unspecified; a key's rows are
 * consecutive.
 *
 *   const joined = keyJoin([accounts, orders, tickets], { type: 'full', maxFanout: 1000, memoryBytes, tempDir });
 *   for await (const batch of joined) …; joined.counts.inputs[1].keysRepeated
 *
 * Memory: one partition of every input at a time, its spill files at most `memoryBytes / 4`
 * (re-partitioned up to 8 times beyond that; a single key larger than that is joined in memory: the
 * fan-out guard is the bound there), plus one 64 KiB buffer per spill file being written.
 * Disk: every input once, encoded, in one `etl-spill-*` folder under `tempDir`, removed at the end.
 */
export function keyJoin(inputs: readonly KeyJoinInput[], options: KeyJoinOptions = {}): KeyJoin {
  return new KeyJoin(inputs, options);
}

export class KeyJoin implements AsyncIterable<Value[][]> {
  readonly counts: KeyJoinCounts;
  private readonly resolved: ResolvedSpillOptions;
  private readonly type: JoinType;
  private readonly restricted: boolean;
  private started = false;
  private out: Value[][] = [];
  private outValues = 0;
  private work: JoinWorkspace | undefined;

  constructor(
    private readonly inputs: readonly KeyJoinInput[],
    private readonly options: KeyJoinOptions,
  ) {
    const problems: string[] = [];
    this.resolved = resolveSpillOptions(options, problems);
    this.type = options.type ?? 'inner';
    if (!['inner', 'left', 'full'].includes(this.type)) problems.push(`type must be inner, left or full, not ${String(this.type)}`);
    if (!Array.isArray(inputs) || inputs.length === 0) problems.push('give at least one input');
    for (const [i, input] of (inputs ?? []).entries()) {
      if (!Number.isInteger(input.columns) || input.columns < 1) problems.push(`inputs[${i}].columns must be a whole number of at least 1`);
      checkColumn(input.keyColumn, `inputs[${i}].keyColumn`, undefined, problems);
      if (Number.isInteger(input.keyColumn) && input.keyColumn >= input.columns)
        problems.push(`inputs[${i}].keyColumn ${input.keyColumn} is beyond its ${input.columns} columns`);
    }
    const limit = options.maxFanout;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) problems.push('maxFanout must be a whole number of at least 1');
    failOnProblems('keyJoin', problems);
    this.restricted = inputs.some((i) => i.changed !== undefined);
    this.counts = {
      inputs: inputs.map((i) => ({ name: i.name, rows: 0, nullKeys: 0, keysRepeated: 0, rowsInRepeatedKeys: 0, rowsChanged: 0 })),
      rowsOut: 0,
      keysOut: 0,
      maxFanout: 0,
      spilledRows: 0,
      partitions: 0,
    };
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Value[][]> {
    if (this.started) throw new Error('keyJoin output can be read once');
    this.started = true;
    const folder = new SpillFolder(this.resolved.tempDir);
    const spills = new Set<PartitionedSpill>();
    try {
      const files: Array<Array<SpillPartition | undefined> | undefined> = [];
      for (const [index, input] of this.inputs.entries()) files.push(await this.partitionInput(index, input, folder, spills));
      if (this.type === 'left' && files[0] === undefined)
        throw new TerminalError(
          'BAD_INPUT',
          `${this.inputs[0]?.name ?? 'the first input'} is the left join's driving input and was left out`,
        );
      yield* this.joinPartitions(files, 0, folder, spills);
      if (this.out.length > 0) yield this.take();
    } finally {
      for (const spill of spills) spill.discard();
      await folder.remove();
    }
  }

  /** Input `index` into partition files (rows tagged with their changed flag when restricted); undefined when left out. */
  private async partitionInput(
    index: number,
    input: KeyJoinInput,
    folder: SpillFolder,
    spills: Set<PartitionedSpill>,
  ): Promise<Array<SpillPartition | undefined> | undefined> {
    const { partitions, signal } = this.resolved;
    const counts = this.counts.inputs[index] as KeyJoinInputCounts;
    const spill = new PartitionedSpill(folder, partitions, 0, `join-${index}`);
    spills.add(spill);
    const keyColumns = [input.keyColumn];
    let scratch = Buffer.allocUnsafe(64 * 1024);
    try {
      for await (const batch of input.rows) {
        throwIfAborted(signal);
        for (const row of batch) {
          counts.rows++;
          if ((row[input.keyColumn] ?? null) === null) {
            counts.nullKeys++;
            continue;
          }
          // The changed flag rides in the record's order value: the row itself is left as it came.
          let flag: Value = null;
          if (this.restricted) {
            flag = input.changed?.(row) === true;
            if (flag) counts.rowsChanged++;
          }
          let end = writeRecordWith(row, keyColumns, flag, scratch, 0, scratch.length);
          if (end < 0) {
            scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, maxRecordBytes(row, { keyColumns, orderColumn: undefined })));
            end = writeRecordWith(row, keyColumns, flag, scratch, 0, scratch.length);
          }
          spill.appendRecord(hashRecordKey(scratch, 0, 0) % partitions, scratch, 0, end);
        }
      }
    } catch (error) {
      spill.discard();
      spills.delete(spill);
      if (signal?.aborted || !this.options.skipFailedInput?.(input.name, error)) throw error;
      counts.skipped = error instanceof Error ? error.message : String(error);
      return undefined;
    }
    const files = spill.finish();
    spills.delete(spill);
    for (const file of files) {
      if (file === undefined) continue;
      this.counts.spilledRows += file.rows;
      this.counts.partitions++;
    }
    return files;
  }

  /** Joins partition by partition; one whose files are too big for memory is re-partitioned one level down. */
  private async *joinPartitions(
    files: ReadonlyArray<ReadonlyArray<SpillPartition | undefined> | undefined>,
    level: number,
    folder: SpillFolder,
    spills: Set<PartitionedSpill>,
  ): AsyncGenerator<Value[][]> {
    const { partitions, rowBudgetBytes } = this.resolved;
    for (let p = 0; p < partitions; p++) {
      throwIfAborted(this.resolved.signal);
      const these = files.map((f) => f?.[p]);
      const bytes = these.reduce((sum, f) => sum + (f?.bytes ?? 0), 0);
      if (bytes === 0) continue;
      const rows = these.reduce((sum, f) => sum + (f?.rows ?? 0), 0);
      if (bytes + rows * this.bytesPerRecord() > rowBudgetBytes && level < MAX_LEVEL) {
        const split: Array<Array<SpillPartition | undefined> | undefined> = [];
        for (const [index, file] of these.entries()) {
          if (files[index] === undefined) {
            split.push(undefined);
            continue;
          }
          const spill = new PartitionedSpill(folder, partitions, level + 1, `join-l${level + 1}-${index}`);
          spills.add(spill);
          // Records move to their new partition as bytes: nothing is decoded.
          if (file)
            for (const { buffer, start, end } of readFrames(file.path))
              for (let at = start; at < end;) {
                const next = at + recordLength(buffer, at);
                spill.appendRecord(hashRecordKey(buffer, at, level + 1) % partitions, buffer, at, next);
                at = next;
              }
          const parts = spill.finish();
          spills.delete(spill);
          for (const part of parts) {
            if (part === undefined) continue;
            this.counts.spilledRows += part.rows;
            this.counts.partitions++;
          }
          split.push(parts);
          if (file) rmSync(file.path, { force: true });
        }
        yield* this.joinPartitions(split, level + 1, folder, spills);
        continue;
      }
      yield* this.joinInMemory(these, files, bytes, rows);
      for (const f of these) if (f !== undefined) rmSync(f.path, { force: true });
    }
  }

  /** Memory per record held while a partition is joined, beyond its bytes: its offset and link, its key's share of the table and groups. */
  private bytesPerRecord(): number {
    return 8 + 2 * SLOT_BYTES + 12 * this.inputs.length + 4;
  }

  /**
   * One partition: every input's file read whole into one buffer, the records grouped by key (a
   * `RecordTable` of keys, per key and input a chain of records), then each key's cross product,
   * decoded straight into the joined rows.
   */
  private *joinInMemory(
    these: ReadonlyArray<SpillPartition | undefined>,
    files: ReadonlyArray<unknown>,
    bytes: number,
    rows: number,
  ): Generator<Value[][]> {
    const n = these.length;
    // One workspace for every partition, grown when one needs more: arrays made per partition left
    // the garbage collector a third of the join's time (external memory churn forcing full collections).
    const work = this.workspace(bytes, rows, n);
    const { buffer, heads, tails, sizes, inScope, offsets, next } = work;
    const ends: number[] = [];
    let loaded = 0;
    for (const file of these) {
      if (file) loaded += readWhole(file.path, buffer, loaded, file.bytes);
      ends.push(loaded);
    }
    const table = work.table;
    table.reset(RecordTable.capacityFor(rows));
    // Per group (a key, numbered in first-seen order) and input: first record, last record, count.
    heads.fill(-1, 0, rows * n);
    sizes.fill(0, 0, rows * n);
    inScope.fill(0, 0, rows);
    next.fill(-1, 0, rows);
    const firstOffset: number[] = [];
    let groups = 0;
    let record = 0;
    for (let input = 0, at = 0; input < n; input++) {
      for (const end = ends[input] as number; at < end; record++) {
        const hash = hashRecordKey(buffer, at, 0x5bd1e995);
        const found = table.find(hash, buffer, at, buffer);
        let group: number;
        if (found < 0) {
          group = groups++;
          table.insert(found, hash, at, buffer);
          firstOffset.push(at);
        } else group = table.seqAt(found);
        offsets[record] = at;
        const cell = group * n + input;
        if ((heads[cell] as number) < 0) heads[cell] = record;
        else next[tails[cell] as number] = record;
        tails[cell] = record;
        sizes[cell] = (sizes[cell] as number) + 1;
        if (this.restricted && readRecordOrder(buffer, at) === true) inScope[group] = 1;
        at += recordLength(buffer, at);
      }
    }
    for (let input = 0; input < n; input++) {
      const counts = this.counts.inputs[input] as KeyJoinInputCounts;
      for (let group = 0; group < groups; group++) {
        const size = sizes[group * n + input] as number;
        if (size > 1) {
          counts.keysRepeated++;
          counts.rowsInRepeatedKeys += size;
        }
      }
    }
    const lists: number[][] = Array.from({ length: n }, () => []);
    for (let group = 0; group < groups; group++) {
      if (this.restricted && inScope[group] !== 1) continue;
      if (this.type === 'left' && (sizes[group * n] as number) === 0) continue;
      let fanout = 1;
      let missing = false;
      for (let input = 0; input < n; input++) {
        const size = sizes[group * n + input] as number;
        if (size === 0) {
          if (this.type === 'inner' && files[input] !== undefined) missing = true;
        } else fanout *= size;
      }
      if (missing) continue;
      const key = readRecordKey(buffer, firstOffset[group] as number);
      if (this.options.maxFanout !== undefined && fanout > this.options.maxFanout)
        throw new KeyFanoutError(
          key,
          fanout,
          this.inputs.flatMap((input, i) => (files[i] === undefined ? [] : [{ name: input.name, rows: sizes[group * n + i] as number }])),
          this.options.maxFanout,
        );
      if (fanout > this.counts.maxFanout) this.counts.maxFanout = fanout;
      this.counts.keysOut++;
      if (fanout === 1) {
        // One row per input (or none): the joined row straight from the records.
        const row: Value[] = [key];
        for (let input = 0; input < n; input++) {
          const head = heads[group * n + input] as number;
          if (head >= 0) pushRecordRow(buffer, offsets[head] as number, row);
          else for (let c = 0; c < (this.inputs[input] as KeyJoinInput).columns; c++) row.push(null);
        }
        if (this.push(row)) yield this.take();
        continue;
      }
      for (let input = 0; input < n; input++) {
        const list = lists[input] as number[];
        list.length = 0;
        for (let r = heads[group * n + input] as number; r >= 0; r = next[r] as number) list.push(offsets[r] as number);
      }
      for (const row of this.crossProduct(key, buffer, lists)) if (this.push(row)) yield this.take();
    }
  }

  /** The partition workspace, grown (by an eighth more than asked) when this partition needs more than it has. */
  private workspace(bytes: number, rows: number, inputs: number): JoinWorkspace {
    let work = this.work;
    if (work === undefined || work.buffer.length < bytes) {
      const buffer = Buffer.allocUnsafe(Math.ceil(bytes * 1.125));
      work = work === undefined ? newWorkspace(buffer, 0, inputs) : { ...work, buffer };
    }
    if (work.offsets.length < rows) work = { ...newWorkspace(work.buffer, Math.ceil(rows * 1.125), inputs) };
    this.work = work;
    return work;
  }

  /** `[key, ...a, ...b, …]` for every combination of one record from each list (an empty list: the input's nulls). */
  private *crossProduct(key: Value, buffer: Buffer, lists: readonly number[][]): Generator<Value[]> {
    const at = new Array<number>(lists.length).fill(0);
    for (;;) {
      const row: Value[] = [key];
      for (let i = 0; i < lists.length; i++) {
        const list = lists[i] as number[];
        if (list.length === 0) for (let c = 0; c < (this.inputs[i] as KeyJoinInput).columns; c++) row.push(null);
        else pushRecordRow(buffer, list[at[i] as number] as number, row);
      }
      yield row;
      let i = lists.length - 1;
      while (i >= 0 && (at[i] as number) + 1 >= Math.max(1, (lists[i] as number[]).length)) at[i--] = 0;
      if (i < 0) return;
      at[i] = (at[i] as number) + 1;
    }
  }

  private push(row: Value[]): boolean {
    this.out.push(row);
    this.outValues += row.length;
    return this.out.length >= this.resolved.batchRows || this.outValues >= BATCH_VALUES;
  }

  private take(): Value[][] {
    const batch = this.out;
    this.out = [];
    this.outValues = 0;
    this.counts.rowsOut += batch.length;
    return batch;
  }
}

/** The arrays a partition is joined in: per record its offset and next record of its key and input; per key and input the first, last and count; per key whether it is in scope. */
interface JoinWorkspace {
  buffer: Buffer;
  table: RecordTable;
  offsets: Int32Array;
  next: Int32Array;
  heads: Int32Array;
  tails: Int32Array;
  sizes: Int32Array;
  inScope: Uint8Array;
}

function newWorkspace(buffer: Buffer, rows: number, inputs: number): JoinWorkspace {
  return {
    buffer,
    table: new RecordTable(16, false),
    offsets: new Int32Array(rows),
    next: new Int32Array(rows),
    heads: new Int32Array(rows * inputs),
    tails: new Int32Array(rows * inputs),
    sizes: new Int32Array(rows * inputs),
    inScope: new Uint8Array(rows),
  };
}

/** Reads `bytes` bytes of the file at `path` into `buffer` at `offset`; returns `bytes`. */
function readWhole(path: string, buffer: Buffer, offset: number, bytes: number): number {
  const fd = openSync(path, 'r');
  try {
    let read = 0;
    while (read < bytes) {
      const n = readSync(fd, buffer, offset + read, bytes - read, null);
      if (n === 0) throw new Error(`spill file ${path} ends at byte ${read}, before its ${bytes} bytes`);
      read += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}
