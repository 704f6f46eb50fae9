import { quoteIdent, quoteQualified } from '@etl/sql';
import type { PlanStep } from './plan-sync.js';
import type { TargetColumn } from './target-columns.js';

/** The staging table's extra column: the source line of each row, so duplicate keys resolve to the last. */
export const LINE_COLUMN = '__etl_line';

export interface MergePlan {
  /** Run before the COPY into staging. */
  prepare: PlanStep[];
  /** Run after it, in ONE transaction. The rows affected by `dedupe`, `delete` and `insert` are the counts. */
  merge: PlanStep[];
  /** Positions in `merge` whose affected rows are: duplicates removed, target rows replaced, rows inserted. */
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

/**
 * Staging and merge (seed 003 sections 7-8): a staging table LIKE the target plus the line column; after
 * the COPY, in one transaction: drop duplicate keys but the last line, fill columns the source lacks
 * with typed defaults, delete the target rows whose keys are staged, insert the staged rows, drop
 * the staging table. Delete + insert rather than MERGE: it runs the same on Redshift and PostgreSQL.
 */
export function planMerge(input: { table: string; staging: string; keys: readonly string[]; sourceColumns: readonly string[]; target: readonly TargetColumn[] }): MergePlan {
  const target = quoteQualified(input.table);
  const staging = quoteQualified(input.staging);
  const line = quoteIdent(LINE_COLUMN);
  const keys = input.keys.map(quoteIdent);
  const all = input.target.map((c) => quoteIdent(c.name)).join(', ');
  const missing = input.target.filter((c) => !input.sourceColumns.includes(c.name));
  const fills = missing.flatMap((c) => {
    const value = defaultFor(c);
    return value === undefined ? [] : [{ sql: `UPDATE ${staging} SET ${quoteIdent(c.name)} = ${value}`, reason: `${c.name} is not in the source: typed default ${value}` }];
  });
  const merge: PlanStep[] = [
    { sql: `DELETE FROM ${staging} WHERE ${line} NOT IN (SELECT max(${line}) FROM ${staging} GROUP BY ${keys.join(', ')})`, reason: 'duplicate keys in the file: the last line wins' },
    ...fills,
    { sql: `DELETE FROM ${target} USING ${staging} WHERE ${keys.map((k) => `${target}.${k} = ${staging}.${k}`).join(' AND ')}`, reason: 'upsert: remove the rows whose keys are staged' },
    { sql: `INSERT INTO ${target} (${all}) SELECT ${all} FROM ${staging}`, reason: 'upsert: insert every staged row' },
    { sql: `DROP TABLE ${staging}`, reason: 'staging is done' },
  ];
  return {
    prepare: [
      { sql: `DROP TABLE IF EXISTS ${staging}`, reason: 'a staging table left by a killed run' },
      { sql: `CREATE TABLE ${staging} (LIKE ${target})`, reason: 'staging with the target\'s columns and types' },
      { sql: `ALTER TABLE ${staging} ADD COLUMN ${line} BIGINT`, reason: 'source line of each row, to resolve duplicate keys' },
    ],
    merge,
    counts: { duplicates: 0, replaced: 1 + fills.length, inserted: 2 + fills.length },
  };
}
