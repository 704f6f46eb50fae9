import type { FieldType } from '@etl/schema';
import { splitQualified } from '@etl/sql';

export type ColumnKind = FieldType['kind'] | 'other';

/** A column of the target table as the warehouse describes it. */
export interface TargetColumn {
  name: string;
  kind: ColumnKind;
  /** The type as written in DDL (`VARCHAR(256)`, `INTEGER`, `NUMERIC(38,18)` …). */
  sqlType: string;
  /** VARCHAR/CHAR length in bytes (Redshift counts bytes). */
  length?: number;
  nullable: boolean;
}

/** Reads the table's columns; parameters `schema` and `table` (see `tableParameters`). No rows: no table. */
export const DESCRIBE_TABLE_SQL =
  'SELECT column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable FROM information_schema.columns WHERE table_schema = :schema AND table_name = :table ORDER BY ordinal_position';

/** `schema.table` -> the `:schema`/`:table` parameters (unquoted names fold to lower case, as in SQL). */
export function tableParameters(table: string): { schema: string; table: string } {
  const parts = splitQualified(table);
  const fold = (part: string) => (part.startsWith('"') ? part.slice(1, -1).replace(/""/g, '"') : part.toLowerCase());
  return parts.length === 1
    ? { schema: 'public', table: fold(parts[0] as string) }
    : { schema: fold(parts[0] as string), table: fold(parts[1] as string) };
}

const KINDS: Record<string, ColumnKind> = {
  'character varying': 'string',
  varchar: 'string',
  character: 'string',
  char: 'string',
  text: 'string',
  bpchar: 'string',
  smallint: 'smallint',
  integer: 'int',
  bigint: 'bigint',
  numeric: 'decimal',
  decimal: 'decimal',
  'double precision': 'double',
  real: 'double',
  boolean: 'boolean',
  date: 'date',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamp',
  timestamp: 'timestamp',
  timestamptz: 'timestamp',
  super: 'json',
  jsonb: 'json',
  json: 'json',
};

/** Rows of `DESCRIBE_TABLE_SQL` -> columns. */
export function targetColumns(rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>): TargetColumn[] {
  return rows.map(([name, dataType, length, precision, scale, nullable]) => {
    const kind = KINDS[String(dataType).toLowerCase()] ?? 'other';
    const n = length === null || length === undefined ? undefined : Number(length);
    const sqlType =
      kind === 'string'
        ? n === undefined
          ? 'VARCHAR(65535)'
          : `VARCHAR(${n})`
        : kind === 'decimal' && precision !== null
          ? `NUMERIC(${precision},${scale ?? 0})`
          : String(dataType).toUpperCase();
    return { name: String(name), kind, sqlType, ...(kind === 'string' ? { length: n ?? 65535 } : {}), nullable: nullable === 'YES' };
  });
}
