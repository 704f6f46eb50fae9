/** The column types a schema can declare. Names follow Redshift/Athena; aliases are accepted by `parseType`. */
export type FieldType =
  | { kind: 'string'; maxLength?: number }
  | { kind: 'smallint' }
  | { kind: 'int' }
  | { kind: 'bigint' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'double' }
  | { kind: 'boolean' }
  | { kind: 'date' }
  /** Without zone: wall-clock values, read in the cast's `timeZone`, stored as UTC instants. */
  | { kind: 'timestamp'; withZone: boolean }
  | { kind: 'json' };

export interface Field {
  name: string;
  type: FieldType;
  nullable: boolean;
  /** 1, 2, … marks the columns of a compound key, in key order. */
  keyOrder?: number;
}

export interface Schema {
  fields: Field[];
}

/** Key columns in key order (seed 000's `key_order`). */
export function keyFields(schema: Schema): Field[] {
  return schema.fields.filter((f) => f.keyOrder !== undefined).sort((a, b) => (a.keyOrder ?? 0) - (b.keyOrder ?? 0));
}

export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}

const ALIASES: Record<string, FieldType['kind']> = {
  string: 'string',
  varchar: 'string',
  text: 'string',
  char: 'string',
  character: 'string',
  nvarchar: 'string',
  bpchar: 'string',
  smallint: 'smallint',
  int2: 'smallint',
  short: 'smallint',
  int: 'int',
  integer: 'int',
  int4: 'int',
  bigint: 'bigint',
  int8: 'bigint',
  long: 'bigint',
  decimal: 'decimal',
  numeric: 'decimal',
  double: 'double',
  float8: 'double',
  float: 'double',
  'double precision': 'double',
  real: 'double',
  float4: 'double',
  boolean: 'boolean',
  bool: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  datetime: 'timestamp',
  'timestamp without time zone': 'timestamp',
  timestamptz: 'timestamp',
  'timestamp with time zone': 'timestamp',
  json: 'json',
  super: 'json',
  jsonb: 'json',
};

/** `decimal(38,18)`, `VARCHAR(256)`, `int`, `timestamptz` … -> a `FieldType`; unknown names are a `SchemaError`. */
export function parseType(text: string): FieldType {
  const match = /^\s*([a-z][a-z0-9 ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/i.exec(text);
  const name = match?.[1]?.toLowerCase();
  const kind = name === undefined ? undefined : ALIASES[name];
  if (!match || !kind)
    throw new SchemaError(`unknown data type "${text}" (known: ${[...new Set(Object.values(ALIASES))].join(', ')} and their aliases)`);
  const a = match[2] === undefined ? undefined : Number(match[2]);
  const b = match[3] === undefined ? undefined : Number(match[3]);
  switch (kind) {
    case 'string':
      return a === undefined ? { kind } : { kind, maxLength: a };
    case 'decimal': {
      const precision = a ?? 38;
      const scale = b ?? (a === undefined ? 18 : 0);
      if (precision < 1 || precision > 38 || scale > precision)
        throw new SchemaError(`"${text}": decimal needs 1 <= precision <= 38 and scale <= precision`);
      return { kind, precision, scale };
    }
    case 'timestamp':
      return { kind, withZone: name === 'timestamptz' || name === 'timestamp with time zone' };
    default:
      return { kind } as FieldType;
  }
}

/** The canonical spelling of a type (`decimal(38,18)`, `varchar(256)`, `timestamptz`). */
export function formatType(type: FieldType): string {
  switch (type.kind) {
    case 'string':
      return type.maxLength === undefined ? 'varchar' : `varchar(${type.maxLength})`;
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'timestamp':
      return type.withZone ? 'timestamptz' : 'timestamp';
    default:
      return type.kind;
  }
}
