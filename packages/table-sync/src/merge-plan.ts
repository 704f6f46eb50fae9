import { formatValue, redshiftType, type ConstantColumn } from '@etl/schema';
import { portableLiteral, quoteIdent, quoteQualified } from '@etl/sql';
import { auditMergeInsert, type MergeAuditRow } from './audit.js';
import type { PlanStep } from './plan-sync.js';
import type { TargetColumn } from './target-columns.js';

/** The staging table's extra column: the source line of each row, so duplicate keys resolve to the last. */
export const LINE_COLUMN = '__etl_line';

export interface MergePlan {
  /** Run after the COPY into staging, in ONE transaction. The rows affected by `dedupe`, `delete` and `insert` are the counts. */
  merge: PlanStep[];
  /** Positions in `merge` whose affected rows are: duplicates removed (-1: no such step), target rows replaced, rows inserted. */
  counts: { duplicates: number; replaced: number; inserted: number };
}

/** Seed 003's typed defaults for target columns the source lacks. */
function defaultFor(column: TargetColumn): string | undefined {
  switch (column.kind) {
    case 'string':
      return "''";
    case 'smallint':
    case 'int':
    case 'bigint':
    case 'decimal':
    case 'double':
      return '0';
    case 'boolean':
      return 'false';
    default:
      return undefined; // dates, timestamps, others stay NULL
  }
}

/** A constant column's value as SQL: typed, and the same on Redshift and PostgreSQL (`portableLiteral`). */
function constantSql({ field, value }: ConstantColumn): string {
  if (value === null) return 'NULL';
  const text = portableLiteral(formatValue(value, field));
  return field.type.kind === 'string' ? text : `CAST(${text} AS ${redshiftType(field.type)})`;
}

/**
 * The merge of a staged file (seed 003 section 8), after its COPY into a staging table that holds the
 * file's columns and the line column (`LINE_COLUMN`), in one transaction: drop duplicate keys but the last line (skipped when the file's keys
 * are known to be distinct: `duplicatesPossible: false`), delete the target rows whose keys are
 * staged, insert the staged rows (target columns the source lacks get seed 003's typed defaults in
 * the same INSERT, not an UPDATE pass over staging; so do `constants`, the file's run metadata, which
 * are never staged per row), drop the staging table; all after locking the target (and the audit
 * table), so that concurrent loads of one table run one after the other. Delete + insert rather
 * than MERGE, and EXISTS rather than NOT IN: they run the same on Redshift and PostgreSQL, and NOT IN
 * over a grouped subquery cost PostgreSQL 1.7x the correlated EXISTS on 1 M staged rows.
 */
export function planMerge(input: {
  table: string;
  staging: string;
  keys: readonly string[];
  sourceColumns: readonly string[];
  target: readonly TargetColumn[];
  duplicatesPossible?: boolean;
  constants?: readonly ConstantColumn[];
  /** The audit table and the SUCCESS row to write in the merge's own transaction (`auditMergeInsert`). */
  audit?: { table: string; row: MergeAuditRow };
}): MergePlan {
  const target = quoteQualified(input.table);
  const staging = quoteQualified(input.staging);
  const line = quoteIdent(LINE_COLUMN);
  const keys = input.keys.map(quoteIdent);
  const all = input.target.map((c) => quoteIdent(c.name)).join(', ');
  const filled: string[] = [];
  const constants = new Map((input.constants ?? []).map((c) => [c.field.name, constantSql(c)]));
  const selected = input.target
    .map((c) => {
      const constant = constants.get(c.name);
      if (constant !== undefined) return constant;
      if (input.sourceColumns.includes(c.name)) return quoteIdent(c.name);
      const value = defaultFor(c) ?? 'NULL';
      filled.push(`${c.name} = ${value}`);
      return value;
    })
    .join(', ');
  const dedupe: PlanStep[] =
    input.duplicatesPossible === false
      ? []
      : [
          {
            sql: `DELETE FROM ${staging} WHERE EXISTS (SELECT 1 FROM ${staging} AS later WHERE ${keys.map((k) => `later.${k} = ${staging}.${k}`).join(' AND ')} AND later.${line} > ${staging}.${line})`,
            reason: 'duplicate keys in the file: the last line wins',
          },
        ];
  const audit: PlanStep[] = input.audit
    ? [
        {
          sql: auditMergeInsert(input.audit.table, input.audit.row, { target: input.table, staging: input.staging, keys: input.keys }),
          reason: 'audit row SUCCESS, in the merge transaction: a loaded file always has it (updated: staged keys the table holds)',
        },
      ]
    : [];
  // Loads of one table at once (array-job shards, two triggers) take turns here. Without it, on
  // PostgreSQL (READ COMMITTED) a delete blocked by another load's uncommitted merge skips the rows
  // that load inserts, and both keep their rows: a key twice. On Redshift the second of two
  // overlapping merges fails with "ERROR: 1023 Serializable isolation violation"; its remedy is to
  // lock every table the transaction writes, first ("Troubleshooting serializable isolation errors",
  // Amazon Redshift Database Developer Guide; LOCK takes ACCESS EXCLUSIVE until the transaction ends:
  // the "LOCK" page of its SQL reference). One statement, tables in one order: two loads cannot deadlock.
  const lock: PlanStep = {
    sql: `LOCK ${[target, ...(input.audit ? [quoteQualified(input.audit.table)] : [])].join(', ')}`,
    reason: 'concurrent loads of the table wait for this one to commit (no key twice, no serializable isolation error)',
  };
  const remove: PlanStep = {
    sql: `DELETE FROM ${target} USING ${staging} WHERE ${keys.map((k) => `${target}.${k} = ${staging}.${k}`).join(' AND ')}`,
    reason: 'upsert: remove the rows whose keys are staged',
  };
  const insert: PlanStep = {
    sql: `INSERT INTO ${target} (${all}) SELECT ${selected} FROM ${staging}`,
    reason: `upsert: insert every staged row${constants.size > 0 ? ` (the same for every row: ${[...constants.keys()].join(', ')})` : ''}${filled.length > 0 ? ` (not in the source, typed defaults: ${filled.join(', ')})` : ''}`,
  };
  const merge: PlanStep[] = [lock, ...dedupe, ...audit, remove, insert, { sql: `DROP TABLE ${staging}`, reason: 'staging is done' }];
  return {
    merge,
    counts: { duplicates: dedupe[0] ? merge.indexOf(dedupe[0]) : -1, replaced: merge.indexOf(remove), inserted: merge.indexOf(insert) },
  };
}
