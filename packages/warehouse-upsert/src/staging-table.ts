import { redshiftType, type Field, type Schema } from '@etl/schema';
import { quoteIdent, quoteQualified } from '@etl/sql';
import { LINE_COLUMN, type PlanStep, type TargetColumn } from '@etl/table-sync';

const INTEGERS = new Set(['smallint', 'int', 'bigint']);
const NUMERIC = new Set([...INTEGERS, 'decimal', 'double']);

/**
 * A staging column's type, known once the file's schema is, before its values are profiled: the
 * target column's type when the table has it (so COPY converts each value as a COPY into the table
 * would), else the source's; strings at VARCHAR's maximum and integers as BIGINT, because the table's
 * widths are settled only after the whole file is read. The merge's INSERT narrows them into the
 * (by then widened) table. Text headed for a numeric column stays text here: the plan refuses it
 * with its own message, rather than a part's COPY failing first.
 */
export function stagingColumnType(field: Field, existing: TargetColumn | undefined): string {
  const kind = existing?.kind ?? field.type.kind;
  if (kind === 'string' || (existing && NUMERIC.has(existing.kind) && !NUMERIC.has(field.type.kind))) return 'VARCHAR(65535)';
  if (INTEGERS.has(kind)) return 'BIGINT';
  return existing ? existing.sqlType : redshiftType(field.type);
}

/**
 * The staging table, from the source schema and the target as it is before the load (undefined: no
 * table yet): independent of the table's own DDL, so it can be created and loaded part by part while
 * the file is still being staged, before the table is created or evolved. Keys NOT NULL, as in the
 * table; the source line column last.
 */
export function stagingTableSteps(input: {
  stagingTable: string;
  schema: Schema;
  keys: readonly string[];
  target: readonly TargetColumn[] | undefined;
}): PlanStep[] {
  const staging = quoteQualified(input.stagingTable);
  const columns = input.schema.fields.map((field) => {
    const type = stagingColumnType(
      field,
      input.target?.find((c) => c.name === field.name),
    );
    return `${quoteIdent(field.name)} ${type}${input.keys.includes(field.name) ? ' NOT NULL' : ''}`;
  });
  return [
    {
      sql: `DROP TABLE IF EXISTS ${staging}`,
      reason: "this file's staging table, should an earlier attempt of this run (same run id) have left it; nothing otherwise",
    },
    {
      sql: `CREATE TABLE ${staging} (${[...columns, `${quoteIdent(LINE_COLUMN)} BIGINT`].join(', ')})`,
      reason: "staging: the file's columns (the table's types where it has them, widest widths) and each row's source line",
    },
  ];
}
