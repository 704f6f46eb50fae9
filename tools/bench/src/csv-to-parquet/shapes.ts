import { parseSchemaCsv, type Schema } from '@etl/schema';
import { benchCsvFile, generatedCsvFile } from '../bench-csv.js';
import { BENCH_SCHEMA_CSV } from './bench-schema.js';
import { variedCsv } from './varied-csv.js';

/** One data shape of the bench: how its file is made and the types both sides read it with. */
export interface Shape {
  name: 'standard' | 'varied';
  schemaCsv: string;
  /** The CSV of `sizeMb` MiB, generated once and reused. */
  file(sizeMb: number): Promise<string>;
}

/** The varied shape's types: the same kinds as the standard's, wider where its values are. */
const VARIED_SCHEMA_CSV = `column_name,data_type
invoice_no,varchar(32)
stock_code,varchar(32)
description,varchar(2048)
quantity,int
invoice_date,timestamp
unit_price,"decimal(18,6)"
customer_id,int
country,varchar(64)
updated_at,timestamp
is_gift,boolean
discount_rate,double
product_name_ja,varchar(256)
`;

export const SHAPES: readonly Shape[] = [
  { name: 'standard', schemaCsv: BENCH_SCHEMA_CSV, file: benchCsvFile },
  { name: 'varied', schemaCsv: VARIED_SCHEMA_CSV, file: variedCsvFile },
];

export function shapeNamed(name: string): Shape {
  const shape = SHAPES.find((s) => s.name === name);
  if (!shape) throw new Error(`no bench shape ${name}: one of ${SHAPES.map((s) => s.name).join(', ')}`);
  return shape;
}

export function schemaOf(shape: Shape): Schema {
  return parseSchemaCsv(shape.schemaCsv);
}

/** The types in DuckDB's read_csv `columns` form. */
export function duckdbColumns(shape: Shape): string {
  const types = schemaOf(shape).fields.map((f) => {
    const t = f.type;
    const type =
      t.kind === 'decimal'
        ? `DECIMAL(${t.precision},${t.scale})`
        : t.kind === 'string'
          ? 'VARCHAR'
          : t.kind === 'int'
            ? 'INTEGER'
            : t.kind.toUpperCase();
    return `'${f.name}': '${type}'`;
  });
  return `{${types.join(', ')}}`;
}

/**
 * Per-column checksum expressions that compare equal across both writers' type choices. An empty
 * string counts as null: DuckDB reads an empty field as NULL in every column, we keep it '' in a
 * string column (`CastOptions.emptyStringAsNull` is off by default), and a CSV cannot tell them apart.
 */
export function checksumColumns(shape: Shape): string[] {
  return schemaOf(shape).fields.map((f) =>
    f.type.kind === 'timestamp'
      ? `sum(hash(epoch_us(${f.name})))`
      : f.type.kind === 'string'
        ? `sum(hash(nullif(${f.name}, '')))`
        : `sum(hash(${f.name}::varchar))`,
  );
}

function variedCsvFile(sizeMb: number): Promise<string> {
  return generatedCsvFile(`bench-varied-${sizeMb}mb.csv`, sizeMb, variedCsv);
}
