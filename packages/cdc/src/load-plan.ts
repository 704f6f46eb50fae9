import { TerminalError } from '@etl/core';
import type { TableDefinition } from '@etl/catalog';
import type { Schema } from '@etl/schema';
import { tableSchema } from '@etl/table-reader';
import type { PrimaryKeys } from './primary-keys.js';
import { watermarkMicros, type Watermark } from './watermark.js';

export type LoadType = 'full' | 'incremental';

/** How one table is loaded this run (pure: decided from its schema, key, watermark and current state). */
export interface LoadPlan {
  mode: LoadType;
  /** Key column indexes; empty: the table is copied without dedup and has no current state. */
  keyColumns: number[];
  /** Index of the change column (`updated_at`); undefined: the table has none (a full load every run, no watermark). */
  changeColumn: number | undefined;
  /** Incremental: rows changed at or after this (watermark less the lag, microseconds) are read; undefined: every row. */
  from: bigint | undefined;
  warnings: string[];
}

export interface PlanInput {
  table: string;
  schema: Schema;
  primaryKey: readonly string[] | undefined;
  changeColumn: string;
  loadType: LoadType;
  watermark: Watermark | undefined;
  lagSeconds: number;
  /**
   * Whether the table's state has been published: current's manifest, or changes runs a killed run
   * published before it (a keyed incremental load compares against it).
   */
  hasCurrent: boolean;
}

/** What is wrong with a table's primary key from the primary-key file, if anything: a column the table lacks. */
function primaryKeyProblem(table: string, schema: Schema, primaryKey: readonly string[] | undefined): string | undefined {
  const names = schema.fields.map((f) => f.name);
  const missing = (primaryKey ?? []).filter((c) => !names.includes(c));
  return missing.length > 0
    ? `primary key column ${missing.join(', ')} of ${table} is not a column of the table (${names.join(', ')}): fix the primary-key file`
    : undefined;
}

/** The selected tables whose key (by the primary-key file) names a column they lack, one problem each: a job's check. */
export function primaryKeyProblems(tables: readonly TableDefinition[], keys: PrimaryKeys): string[] {
  return tables.flatMap((t) => primaryKeyProblem(t.name, tableSchema(t), keys.get(t.name.toLowerCase())) ?? []);
}

/**
 * Seed 001's rules, plus what keeps an incremental load exact: a load is incremental only with a
 * watermark of the same column and, for a keyed table, a published current state to compare with;
 * otherwise it is full, with the reason as a warning. A key column the table lacks is a `TerminalError`
 * (that table fails; the others load).
 */
export function planLoad(input: PlanInput): LoadPlan {
  const names = input.schema.fields.map((f) => f.name);
  const warnings: string[] = [];
  const problem = primaryKeyProblem(input.table, input.schema, input.primaryKey);
  if (problem) throw new TerminalError('BAD_ARGUMENT', problem);
  const keyColumns = (input.primaryKey ?? []).map((c) => names.indexOf(c));
  if (keyColumns.length === 0) warnings.push(`${input.table} has no primary key in the primary-key file: copied without dedup`);
  const index = names.indexOf(input.changeColumn);
  const changeColumn = index >= 0 ? index : undefined;
  if (changeColumn === undefined) {
    warnings.push(`${input.table} has no ${input.changeColumn} column: loaded in full every run`);
    return { mode: 'full', keyColumns, changeColumn, from: undefined, warnings };
  }
  if (input.loadType === 'full') return { mode: 'full', keyColumns, changeColumn, from: undefined, warnings };
  if (!input.watermark && keyColumns.length > 0 && input.hasCurrent) {
    // A first run killed after publishing changes: repeating them as a full load would duplicate them.
    warnings.push(`${input.table} has published changes but no watermark: every row read and compared with them`);
    return { mode: 'incremental', keyColumns, changeColumn, from: undefined, warnings };
  }
  if (!input.watermark) {
    warnings.push(`${input.table} has no watermark yet: a full load`);
    return { mode: 'full', keyColumns, changeColumn, from: undefined, warnings };
  }
  if (input.watermark.column !== input.changeColumn) {
    warnings.push(`${input.table}'s watermark is on ${input.watermark.column}, not ${input.changeColumn}: a full load`);
    return { mode: 'full', keyColumns, changeColumn, from: undefined, warnings };
  }
  if (keyColumns.length > 0 && !input.hasCurrent) {
    warnings.push(`${input.table} has a watermark but no published current state: a full load`);
    return { mode: 'full', keyColumns, changeColumn, from: undefined, warnings };
  }
  const from = watermarkMicros(input.watermark) - BigInt(Math.round(input.lagSeconds * 1e6));
  return { mode: 'incremental', keyColumns, changeColumn, from, warnings };
}
