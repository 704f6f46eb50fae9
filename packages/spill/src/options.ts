import { tmpdir } from 'node:os';
import { TerminalError } from '@etl/core';
import type { Schema } from '@etl/schema';
import { SPILL_BUFFER_BYTES } from './spill-file.js';

const MiB = 1024 * 1024;
export const MIN_MEMORY_BYTES = 16 * MiB;
/** A spill file's read chunk (`spill-file.ts`) and slack for the batch being handed on. */
const READ_RESERVE_BYTES = 2 * MiB;

/** How much memory an operation may hold and where it spills beyond that. */
export interface SpillOptions {
  /**
   * Memory bound (default 256 MiB, at least 16 MiB), counted to the byte: rows are held encoded in
   * one buffer with a typed-array hash table (`record-codec.ts`, `RecordTable`), after setting aside
   * the spill buffers (`partitions` x 64 KiB) and 2 MiB of read chunks; beyond it they are
   * hash-partitioned to files in `tempDir` and handled one partition at a time, re-partitioned when one
   * still does not fit. The process's RSS is this plus Node itself and the batches in flight (60-75 MiB
   * more in the 10 M-row dedup bench: README's Bounds).
   */
  memoryBytes?: number;
  /** Where spill files go (default the OS temp folder): one `etl-spill-*` folder per operation, removed when it ends. */
  tempDir?: string;
  /** Spill files per spill (default 64, 2-1024): each partition then needs about 1/64 of the memory. */
  partitions?: number;
  /** Rows per output batch at most (default 4096); a batch also ends at `BATCH_VALUES` values. */
  batchRows?: number;
  /** Stops the operation (its spill folder is removed) when aborted. */
  signal?: AbortSignal;
  /** The rows' columns: when given, column indexes are checked against it and problems name the columns. */
  schema?: Schema;
}

export interface ResolvedSpillOptions {
  memoryBytes: number;
  /** What the rows themselves may take: `memoryBytes` less buffers. */
  rowBudgetBytes: number;
  tempDir: string;
  partitions: number;
  batchRows: number;
  signal: AbortSignal | undefined;
}

export const spillDefaults = { memoryBytes: 256 * MiB, partitions: 64, batchRows: 4096 } as const;

/**
 * Values per output batch at most (with `batchRows`): rows decoded into a batch stay alive until it is
 * handed on, and a batch the young generation has to keep through its collections is promoted, so the
 * old generation fills with rows already written. 4,096 joined rows of 14 values were: the 2 M-row join
 * bench ran 1.3-1.7x slower and 40-50 MiB larger than with batches of 8,192 values (measured 2026-12-07).
 */
export const BATCH_VALUES = 8192;

/** Checks the shared options; pushes one problem per bad option to `problems`. */
export function resolveSpillOptions(options: SpillOptions, problems: string[]): ResolvedSpillOptions {
  const memoryBytes = options.memoryBytes ?? spillDefaults.memoryBytes;
  const partitions = options.partitions ?? spillDefaults.partitions;
  const batchRows = options.batchRows ?? spillDefaults.batchRows;
  if (!Number.isSafeInteger(memoryBytes) || memoryBytes < MIN_MEMORY_BYTES)
    problems.push(`memoryBytes must be a whole number of bytes of at least 16 MiB (${MIN_MEMORY_BYTES}), not ${String(memoryBytes)}`);
  if (!Number.isInteger(partitions) || partitions < 2 || partitions > 1024)
    problems.push(`partitions must be a whole number from 2 to 1024, not ${String(partitions)}`);
  if (!Number.isInteger(batchRows) || batchRows < 1)
    problems.push(`batchRows must be a whole number of at least 1, not ${String(batchRows)}`);
  if (options.tempDir !== undefined && (typeof options.tempDir !== 'string' || options.tempDir === ''))
    problems.push('tempDir must be a folder path');
  return {
    memoryBytes,
    rowBudgetBytes: memoryBytes - partitions * SPILL_BUFFER_BYTES - READ_RESERVE_BYTES,
    tempDir: options.tempDir || tmpdir(),
    partitions,
    batchRows,
    signal: options.signal,
  };
}

/** Checks that `column` is a column index (of `schema` when given); pushes a problem naming `option` otherwise. */
export function checkColumn(column: unknown, option: string, schema: Schema | undefined, problems: string[]): void {
  if (!Number.isInteger(column) || (column as number) < 0) {
    problems.push(`${option} must be column indexes (whole numbers from 0), not ${String(column)}`);
  } else if (schema !== undefined && (column as number) >= schema.fields.length) {
    problems.push(`${option} ${String(column)} is beyond the ${schema.fields.length} columns of the schema`);
  }
}

/** Column indexes of `names` in `schema`, for the options that take indexes; an unknown name is a `TerminalError` naming it. */
export function columnIndexes(schema: Schema, names: readonly string[]): number[] {
  const missing = names.filter((name) => !schema.fields.some((f) => f.name === name));
  if (missing.length > 0)
    throw new TerminalError(
      'BAD_ARGUMENT',
      `column ${missing.join(', ')} is not in the schema (${schema.fields.map((f) => f.name).join(', ')}): name existing columns`,
    );
  return names.map((name) => schema.fields.findIndex((f) => f.name === name));
}

/** Throws the problems as one `TerminalError` line naming the operation. */
export function failOnProblems(operation: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new TerminalError('BAD_ARGUMENT', `${operation}: ${problems.join('; ')}`);
}
