import { rm } from 'node:fs/promises';
import type { RecordBatch } from '@etl/core';
import type { Value } from '@etl/schema';
import { throwIfAborted } from './abort.js';
import { hashMapKey, hasNullKey, mapKeyOf, type MapKey } from './key.js';
import { checkColumn, failOnProblems, resolveSpillOptions, type ResolvedSpillOptions, type SpillOptions } from './options.js';
import { PartitionedSpill } from './partitioned-spill.js';
import { entryBytes, MAX_MAP_KEYS, rowBytes } from './row-size.js';
import { readSpillFile } from './spill-file.js';
import { SpillFolder } from './spill-folder.js';

type Rows = AsyncIterable<RecordBatch<Value[]>> | Iterable<RecordBatch<Value[]>>;

export type JoinType = 'inner' | 'left' | 'full';

export interface JoinInput {
  rows: Rows;
  /** The join key's column indexes, in the same order on both sides (compared as `encodeKey` says: type-aware). */
  keyColumns: readonly number[];
  /** The side's column count: an unmatched row of the other side gets this many nulls in its place. */
  columns: number;
}

export interface HashJoinOptions extends Omit<SpillOptions, 'schema'> {
  /** `inner` (default), `left` (every left row, nulls for no match) or `full` (every row of both sides). */
  type?: JoinType;
}

export interface JoinCounts {
  leftRows: number;
  rightRows: number;
  rowsOut: number;
  /** Rows written to spill files, both sides (a row re-partitioned is counted again). */
  spilledRows: number;
  /** Spill files written, both sides, every level. */
  partitions: number;
}

const MAX_LEVEL = 8;
/** What a build row costs in its key's list (one slot), and a key's list itself. */
const LIST_SLOT_BYTES = 8;
const LIST_BYTES = 48;

interface Side {
  rows: Rows;
  isLeft: boolean;
}

/**
 * An equi-join of two row streams on their key columns, in bounded memory (a grace hash join): the
 * right side is loaded into a hash table (give the smaller input as `right`); when it outgrows
 * `memoryBytes`, both sides are hash-partitioned to spill files (`PartitionedSpill`, shared with
 * `dedupLatest`) and each pair of partitions is joined on its own, building on the smaller file and
 * re-partitioned when that still does not fit. Output rows are the left row's columns then the right
 * row's, nulls in place of a missing side; batch order is unspecified. Keys with a null column match
 * nothing (SQL's `=`), and come out unmatched on a preserved side.
 *
 *   for await (const batch of hashJoin({ rows: orders, keyColumns: [1], columns: 5 }, { rows: accounts, keyColumns: [0], columns: 3 }, { type: 'left', tempDir })) …
 *
 * Memory: `memoryBytes` bounds the build side's rows in memory (estimated as `dedupLatest` does);
 * many rows of one key on both sides still multiply in the output, and a key whose rows alone exceed
 * `memoryBytes` on the smaller side is joined in memory after 8 re-partitions (a skew the caller's
 * fan-out guard should catch first).
 */
export function hashJoin(left: JoinInput, right: JoinInput, options: HashJoinOptions = {}): HashJoin {
  return new HashJoin(left, right, options);
}

export class HashJoin implements AsyncIterable<Value[][]> {
  readonly counts: JoinCounts = { leftRows: 0, rightRows: 0, rowsOut: 0, spilledRows: 0, partitions: 0 };
  private readonly resolved: ResolvedSpillOptions;
  private readonly type: JoinType;
  private started = false;
  private out: Value[][] = [];

  constructor(
    private readonly left: JoinInput,
    private readonly right: JoinInput,
    options: HashJoinOptions,
  ) {
    const problems: string[] = [];
    this.resolved = resolveSpillOptions(options, problems);
    this.type = options.type ?? 'inner';
    if (!['inner', 'left', 'full'].includes(this.type)) problems.push(`type must be inner, left or full, not ${String(this.type)}`);
    for (const [name, side] of [
      ['left', left],
      ['right', right],
    ] as const) {
      if (!Number.isInteger(side.columns) || side.columns < 1) problems.push(`${name}.columns must be a whole number of at least 1`);
      if (!Array.isArray(side.keyColumns) || side.keyColumns.length === 0)
        problems.push(`${name}.keyColumns must name at least one column`);
      else
        for (const column of side.keyColumns) {
          checkColumn(column, `${name}.keyColumns`, undefined, problems);
          if (Number.isInteger(column) && column >= side.columns)
            problems.push(`${name}.keyColumns ${column} is beyond its ${side.columns} columns`);
        }
    }
    if (left.keyColumns?.length !== right.keyColumns?.length)
      problems.push('left.keyColumns and right.keyColumns must have as many columns');
    failOnProblems('hashJoin', problems);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Value[][]> {
    if (this.started) throw new Error('hashJoin output can be read once');
    this.started = true;
    const folder = new SpillFolder(this.resolved.tempDir);
    const spills = new Set<PartitionedSpill>();
    try {
      const build: Side = { rows: this.counted(this.right.rows, 'rightRows'), isLeft: false };
      const probe: Side = { rows: this.counted(this.left.rows, 'leftRows'), isLeft: true };
      yield* this.join(build, probe, 0, folder, spills);
      if (this.out.length > 0) yield this.take();
    } finally {
      for (const spill of spills) spill.discard();
      await folder.remove();
    }
  }

  private async *join(
    build: Side,
    probe: Side,
    level: number,
    folder: SpillFolder,
    spills: Set<PartitionedSpill>,
  ): AsyncGenerator<Value[][]> {
    const { rowBudgetBytes, partitions, signal } = this.resolved;
    const buildKey = this.keyColumns(build);
    const probeKey = this.keyColumns(probe);
    const composite = buildKey.length > 1;
    const keepBuild = this.preserves(build);
    const keepProbe = this.preserves(probe);
    const table = new Map<MapKey, Value[][]>();
    let bytes = 0;
    let buildSpill: PartitionedSpill | undefined;
    const partitionOf = (key: MapKey) => hashMapKey(key, composite, level) % partitions;

    for await (const batch of build.rows) {
      throwIfAborted(signal);
      for (const row of batch) {
        if (hasNullKey(row, buildKey)) {
          if (keepBuild && this.push(this.unmatched(build, row))) yield this.take();
          continue;
        }
        const key = mapKeyOf(row, buildKey);
        if (buildSpill !== undefined) {
          buildSpill.append(partitionOf(key), row);
          continue;
        }
        const list = table.get(key);
        if (list === undefined) {
          table.set(key, [row]);
          bytes += entryBytes(key) + LIST_BYTES + (keepBuild ? 48 : 0);
        } else list.push(row);
        bytes += rowBytes(row) + LIST_SLOT_BYTES;
        if ((bytes > rowBudgetBytes || table.size >= MAX_MAP_KEYS) && table.size > 1 && level < MAX_LEVEL) {
          buildSpill = new PartitionedSpill(folder, partitions, level, `join-l${level}-${build.isLeft ? 'left' : 'right'}`);
          spills.add(buildSpill);
          for (const [held, rows] of table) for (const r of rows) buildSpill.append(partitionOf(held), r);
          table.clear();
        }
      }
    }

    if (buildSpill === undefined) {
      // The build side fits: stream the probe side through the table.
      const matched = new Set<MapKey>();
      for await (const batch of probe.rows) {
        throwIfAborted(signal);
        for (const row of batch) {
          const rows = hasNullKey(row, probeKey) ? undefined : table.get(mapKeyOf(row, probeKey));
          if (rows === undefined) {
            if (keepProbe && this.push(this.unmatched(probe, row))) yield this.take();
            continue;
          }
          if (keepBuild) matched.add(mapKeyOf(row, probeKey));
          for (const match of rows) if (this.push(this.pair(probe, row, match))) yield this.take();
        }
      }
      if (keepBuild)
        for (const [key, rows] of table) {
          if (matched.has(key)) continue;
          for (const row of rows) if (this.push(this.unmatched(build, row))) yield this.take();
        }
      return;
    }

    // The build side spilled: partition the probe side the same way, then join partition by partition.
    const probeSpill = new PartitionedSpill(folder, partitions, level, `join-l${level}-${probe.isLeft ? 'left' : 'right'}`);
    spills.add(probeSpill);
    for await (const batch of probe.rows) {
      throwIfAborted(signal);
      for (const row of batch) {
        if (hasNullKey(row, probeKey)) {
          if (keepProbe && this.push(this.unmatched(probe, row))) yield this.take();
        } else probeSpill.append(partitionOf(mapKeyOf(row, probeKey)), row);
      }
    }
    const buildFiles = buildSpill.finish();
    spills.delete(buildSpill);
    const probeFiles = probeSpill.finish();
    spills.delete(probeSpill);
    for (const file of [...buildFiles, ...probeFiles]) {
      if (file === undefined) continue;
      this.counts.spilledRows += file.rows;
      this.counts.partitions++;
    }
    for (let i = 0; i < partitions; i++) {
      const b = buildFiles[i];
      const p = probeFiles[i];
      if (b !== undefined && p !== undefined) {
        // Build on the smaller file: the two sides may have swapped sizes in this partition.
        const [small, large] = b.bytes <= p.bytes ? [build, probe] : [probe, build];
        const [smallFile, largeFile] = b.bytes <= p.bytes ? [b, p] : [p, b];
        yield* this.join(
          { rows: readSpillFile(smallFile.path), isLeft: small.isLeft },
          { rows: readSpillFile(largeFile.path), isLeft: large.isLeft },
          level + 1,
          folder,
          spills,
        );
      } else {
        // One side only: its rows match nothing here.
        const [side, file] = b !== undefined ? [build, b] : [probe, p];
        if (file !== undefined && this.preserves(side))
          for await (const batch of readSpillFile(file.path))
            for (const row of batch) if (this.push(this.unmatched(side, row))) yield this.take();
      }
      await Promise.all([b, p].map((f) => (f === undefined ? undefined : rm(f.path, { force: true }))));
    }
  }

  private async *counted(rows: Rows, count: 'leftRows' | 'rightRows'): AsyncGenerator<RecordBatch<Value[]>> {
    for await (const batch of rows) {
      this.counts[count] += batch.length;
      yield batch;
    }
  }

  private keyColumns(side: Side): readonly number[] {
    return side.isLeft ? this.left.keyColumns : this.right.keyColumns;
  }

  private preserves(side: Side): boolean {
    return side.isLeft ? this.type !== 'inner' : this.type === 'full';
  }

  /** `row` of `side` with `other` of the other side, left columns first. */
  private pair(side: Side, row: Value[], other: Value[]): Value[] {
    return side.isLeft ? [...row, ...other] : [...other, ...row];
  }

  private unmatched(side: Side, row: Value[]): Value[] {
    const nulls = new Array<Value>(side.isLeft ? this.right.columns : this.left.columns).fill(null);
    return side.isLeft ? [...row, ...nulls] : [...nulls, ...row];
  }

  /** Adds an output row; true when a batch is full. */
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
