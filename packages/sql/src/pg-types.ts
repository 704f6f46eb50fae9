/** PostgreSQL type OIDs and the names Redshift and PostgreSQL report for them. */
const TYPE_NAMES: Record<number, string> = {
  16: 'bool',
  17: 'bytea',
  19: 'name',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  25: 'text',
  26: 'oid',
  114: 'json',
  700: 'float4',
  701: 'float8',
  1042: 'bpchar',
  1043: 'varchar',
  1082: 'date',
  1083: 'time',
  1114: 'timestamp',
  1184: 'timestamptz',
  1186: 'interval',
  1700: 'numeric',
  3802: 'jsonb',
};

export function pgTypeName(oid: number): string {
  return TYPE_NAMES[oid] ?? `oid${oid}`;
}

/** How a value of the type travels: as a number (integers, floats), a boolean, or exact text. */
export function pgValueKind(oid: number): 'integer' | 'float' | 'boolean' | 'text' {
  if (oid === 20 || oid === 21 || oid === 23) return 'integer';
  if (oid === 700 || oid === 701) return 'float';
  if (oid === 16) return 'boolean';
  return 'text';
}

/** Parsers (for PGlite's `parsers` option) that keep every known type in PostgreSQL's text form. */
export const pgTextParsers: Readonly<Record<number, (value: string) => string>> = Object.fromEntries(
  [...Object.keys(TYPE_NAMES).map(Number)].map((oid) => [oid, (value: string) => value]),
);
