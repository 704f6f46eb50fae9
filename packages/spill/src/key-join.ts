import { rm } from 'node:fs/promises';
import { TerminalError, type RecordBatch } from '@etl/core';
import type { Value } from '@etl/schema';
import { throwIfAborted } from './abort.js';
import { hashMapKey, type MapKey } from './key.js';
import { checkColumn, failOnProblems, resolveSpillOptions, type ResolvedSpillOptions, type SpillOptions } from './options.js';
import { PartitionedSpill, type SpillPartition } from './partitioned-spill.js';
import { readSpillFile } from './spill-file.js';
import { SpillFolder } from './spill-folder.js';
import type { JoinType } from './hash-join.js';

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
/** Rows in memory take a few times their encoded size on disk (V8 arrays, boxed values, the maps). */
const MEMORY_PER_SPILLED_BYTE = 4;

/**
 * An equi-join of any number of inputs on one key column, in bounded memory: every input is
 * hash-partitioned by its key to spill files (`PartitionedSpill`, shared with `dedupLatest` and
 * `hashJoin`), then each partition is joined in memory, all inputs' rows of a key side by side, and
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
    try {
      for await (const batch of input.rows) {
        throwIfAborted(signal);
        for (const row of batch) {
          counts.rows++;
          const key = row[input.keyColumn] ?? null;
          if (key === null) {
            counts.nullKeys++;
            continue;
          }
          if (this.restricted) {
            const changed = input.changed?.(row) === true;
            if (changed) counts.rowsChanged++;
            row.push(changed);
          }
          spill.append(hashMapKey(key, false, 0) % partitions, row);
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
    const { partitions, memoryBytes } = this.resolved;
    for (let p = 0; p < partitions; p++) {
      throwIfAborted(this.resolved.signal);
      const these = files.map((f) => f?.[p]);
      const bytes = these.reduce((sum, f) => sum + (f?.bytes ?? 0), 0);
      if (bytes === 0) continue;
      if (bytes * MEMORY_PER_SPILLED_BYTE > memoryBytes && level < MAX_LEVEL) {
        const split: Array<Array<SpillPartition | undefined> | undefined> = [];
        for (const [index, file] of these.entries()) {
          if (files[index] === undefined) {
            split.push(undefined);
            continue;
          }
          const spill = new PartitionedSpill(folder, partitions, level + 1, `join-l${level + 1}-${index}`);
          spills.add(spill);
          const keyColumn = (this.inputs[index] as KeyJoinInput).keyColumn;
          if (file)
            for (const batch of readSpillFile(file.path))
              for (const row of batch) spill.append(hashMapKey(row[keyColumn] ?? null, false, level + 1) % partitions, row);
          const parts = spill.finish();
          spills.delete(spill);
          for (const part of parts) {
            if (part === undefined) continue;
            this.counts.spilledRows += part.rows;
            this.counts.partitions++;
          }
          split.push(parts);
          if (file) await rm(file.path, { force: true });
        }
        yield* this.joinPartitions(split, level + 1, folder, spills);
        continue;
      }
      yield* this.joinInMemory(these, files);
      await Promise.all(these.map((f) => (f === undefined ? undefined : rm(f.path, { force: true }))));
    }
  }

  /** One partition: every input's rows grouped by key, then each key's cross product. */
  private *joinInMemory(these: ReadonlyArray<SpillPartition | undefined>, files: ReadonlyArray<unknown>): Generator<Value[][]> {
    const groups: Array<Map<MapKey, Value[][]> | undefined> = [];
    const inScope = new Set<MapKey>();
    for (const [index, file] of these.entries()) {
      if (files[index] === undefined) {
        groups.push(undefined);
        continue;
      }
      const input = this.inputs[index] as KeyJoinInput;
      const group = new Map<MapKey, Value[][]>();
      if (file)
        for (const batch of readSpillFile(file.path))
          for (const row of batch) {
            if (this.restricted && row.pop() === true) inScope.add(row[input.keyColumn] ?? null);
            const key = row[input.keyColumn] ?? null;
            const list = group.get(key);
            if (list === undefined) group.set(key, [row]);
            else list.push(row);
          }
      const counts = this.counts.inputs[index] as KeyJoinInputCounts;
      for (const rows of group.values())
        if (rows.length > 1) {
          counts.keysRepeated++;
          counts.rowsInRepeatedKeys += rows.length;
        }
      groups.push(group);
    }
    for (const key of this.keysOf(groups, inScope)) {
      if (this.type === 'left' && !groups[0]?.has(key)) continue;
      const lists: Value[][][] = [];
      let fanout = 1;
      let missing = false;
      for (const [index, group] of groups.entries()) {
        const rows = group?.get(key);
        if (rows === undefined) {
          if (this.type === 'inner' && group !== undefined) missing = true;
          lists.push([new Array<Value>((this.inputs[index] as KeyJoinInput).columns).fill(null)]);
        } else {
          lists.push(rows);
          fanout *= rows.length;
        }
      }
      if (missing) continue;
      if (this.options.maxFanout !== undefined && fanout > this.options.maxFanout)
        throw new KeyFanoutError(
          key,
          fanout,
          groups.flatMap((g, i) =>
            g === undefined ? [] : [{ name: (this.inputs[i] as KeyJoinInput).name, rows: g.get(key)?.length ?? 0 }],
          ),
          this.options.maxFanout,
        );
      if (fanout > this.counts.maxFanout) this.counts.maxFanout = fanout;
      this.counts.keysOut++;
      for (const row of crossProduct(key, lists)) if (this.push(row)) yield this.take();
    }
  }

  /** The keys a partition outputs: every key of any input (full), of the first (left), of all (inner, checked per key), in scope when restricted. */
  private *keysOf(groups: ReadonlyArray<Map<MapKey, Value[][]> | undefined>, inScope: ReadonlySet<MapKey>): Generator<MapKey> {
    if (this.restricted) {
      yield* inScope;
      return;
    }
    if (this.type === 'left') {
      yield* groups[0]?.keys() ?? [];
      return;
    }
    const seen = new Set<MapKey>();
    for (const group of groups)
      for (const key of group?.keys() ?? []) {
        if (seen.has(key)) continue;
        seen.add(key);
        yield key;
      }
  }

  private push(row: Value[]): boolean {
    this.out.push(row);
    return this.out.length >= this.resolved.batchRows;
  }

  private take(): Value[][] {
    const batch = this.out;
    this.out = [];
    this.counts.rowsOut += batch.length;
    return batch;
  }
}

/** `[key, ...a, ...b, …]` for every combination of one row from each list. */
function* crossProduct(key: Value, lists: readonly Value[][][]): Generator<Value[]> {
  const at = new Array<number>(lists.length).fill(0);
  for (;;) {
    const row: Value[] = [key];
    for (const [i, list] of lists.entries()) for (const v of list[at[i] as number] as Value[]) row.push(v);
    yield row;
    let i = lists.length - 1;
    while (i >= 0 && (at[i] as number) + 1 >= (lists[i] as Value[][]).length) at[i--] = 0;
    if (i < 0) return;
    at[i] = (at[i] as number) + 1;
  }
}
