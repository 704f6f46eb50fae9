import { TerminalError } from '@etl/core';
import { formatType, type Field, type Schema, type Value } from '@etl/schema';

export type JoinType = 'inner' | 'left' | 'full';

export interface JoinTableSchema {
  name: string;
  schema: Schema;
}

export interface JoinSettings {
  /** The key's name in the output, and in every table without an override. */
  joinKey: string;
  /** Per-table key columns (`--join_keys orders=acct_id`). */
  joinKeys: ReadonlyMap<string, string>;
  type: JoinType;
  /** `left`: the table every output row comes from (default the first by name). */
  drivingTable?: string | undefined;
}

/** How the key's values are made comparable across tables. */
export type KeyNormalisation = 'as-is' | 'integer' | 'text';

export interface PlannedTable {
  name: string;
  keyColumn: number;
  keyName: string;
  /** The key column's type kind here (a decimal's text is normalised as a number's). */
  keyKind: Field['type']['kind'];
  /** The table's columns in the output (all but its key), by index, with their output names. */
  columns: Array<{ index: number; name: string }>;
}

export interface JoinPlan {
  type: JoinType;
  /** Tables in join order: the driving table first for `left`, the others by name. */
  tables: PlannedTable[];
  normalisation: KeyNormalisation;
  /** The output: the key, then each table's columns in join order. */
  schema: Schema;
  /** Columns named in more than one table, prefixed `<table>__` in each. */
  prefixed: string[];
}

const INTEGER = new Set(['smallint', 'int', 'bigint']);
const NUMBER_OR_TEXT = new Set(['smallint', 'int', 'bigint', 'decimal', 'string']);

/** `orders=acct_id,tickets=account` -> a map; a malformed entry is a `TerminalError` naming it. */
export function parseJoinKeys(entries: readonly string[] | undefined): Map<string, string> {
  const keys = new Map<string, string>();
  const bad: string[] = [];
  for (const entry of entries ?? []) {
    const [table, column, ...rest] = entry.split('=').map((p) => p.trim());
    if (!table || !column || rest.length > 0) bad.push(entry);
    else keys.set(table, column);
  }
  if (bad.length > 0) throw new TerminalError('BAD_ARGUMENT', `--join_keys: ${bad.join(', ')} is not table=column (e.g. orders=acct_id)`);
  return keys;
}

/**
 * The join of `tables` as the output will be (pure): each table's key column, the key's common type
 * and normalisation, and the output columns. Every problem (a key column a table lacks, key types that
 * cannot be compared, an override or driving table naming no table, names that still collide) in
 * one `TerminalError`, naming the tables.
 */
export function planJoin(tables: readonly JoinTableSchema[], settings: JoinSettings): JoinPlan {
  const problems: string[] = [];
  const sorted = [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (sorted.length === 0) problems.push('the database has no tables to join');
  for (const table of settings.joinKeys.keys())
    if (!sorted.some((t) => t.name === table)) problems.push(`--join_keys names ${table}, not a table of this join`);
  let driving = sorted[0]?.name;
  if (settings.drivingTable !== undefined) {
    if (settings.type !== 'left') problems.push(`--driving_table applies to --join_type left, not ${settings.type}`);
    else if (!sorted.some((t) => t.name === settings.drivingTable))
      problems.push(`--driving_table ${settings.drivingTable} is not a table of this join (${sorted.map((t) => t.name).join(', ')})`);
    else driving = settings.drivingTable;
  }
  const ordered =
    settings.type === 'left' ? [...sorted.filter((t) => t.name === driving), ...sorted.filter((t) => t.name !== driving)] : sorted;

  const keys: Array<{ table: JoinTableSchema; index: number; field: Field }> = [];
  const missing: string[] = [];
  const missingNamed: string[] = [];
  for (const table of ordered) {
    const named = settings.joinKeys.get(table.name);
    const keyName = named ?? settings.joinKey;
    const index = table.schema.fields.findIndex((f) => f.name === keyName);
    const field = table.schema.fields[index];
    if (!field) (named === undefined ? missing : missingNamed).push(`${table.name} has no column ${keyName}`);
    else keys.push({ table, index, field });
  }
  if (missing.length > 0)
    problems.push(
      `--join_key ${settings.joinKey}: ${missing.join('; ')} (name the key column with --join_key, or per table with --join_keys <table>=<column>)`,
    );
  if (missingNamed.length > 0) problems.push(`--join_keys: ${missingNamed.join('; ')}`);
  const { normalisation, field: keyField, problem } = keyType(keys.map((k) => ({ table: k.table.name, field: k.field })));
  if (problem) problems.push(problem);

  // Names in more than one table (keys aside) are prefixed in each; so is a column named like the output key.
  const seen = new Map<string, number>();
  for (const { table, index } of keys)
    for (const [i, f] of table.schema.fields.entries()) if (i !== index) seen.set(f.name, (seen.get(f.name) ?? 0) + 1);
  const prefixed = [...seen].filter(([name, n]) => n > 1 || name === settings.joinKey).map(([name]) => name);
  const planned: PlannedTable[] = keys.map(({ table, index, field }) => ({
    name: table.name,
    keyColumn: index,
    keyName: field.name,
    keyKind: field.type.kind,
    columns: table.schema.fields
      .map((f, i) => ({ index: i, name: prefixed.includes(f.name) ? `${table.name}__${f.name}` : f.name }))
      .filter((c) => c.index !== index),
  }));
  const names = [settings.joinKey, ...planned.flatMap((t) => t.columns.map((c) => c.name))];
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0)
    problems.push(`output columns ${[...new Set(twice)].join(', ')} would appear twice after prefixing; rename one in the catalog`);
  if (problems.length > 0) throw new TerminalError('CONFIG', problems.join('; '));

  const fields: Field[] = [{ ...(keyField as Field), name: settings.joinKey, nullable: true }];
  for (const t of planned) {
    const table = ordered.find((o) => o.name === t.name) as JoinTableSchema;
    for (const c of t.columns) fields.push({ ...(table.schema.fields[c.index] as Field), name: c.name, nullable: true });
  }
  return { type: settings.type, tables: planned, normalisation, schema: { fields }, prefixed };
}

/**
 * The key's output type: one type everywhere is kept; integers of any width are compared as bigint;
 * integers, decimals and text mixed are compared as text (see `normaliseKey`). Any other mix cannot be
 * compared and is a problem naming each table's type.
 */
function keyType(keys: ReadonlyArray<{ table: string; field: Field }>): {
  normalisation: KeyNormalisation;
  field: Field | undefined;
  problem?: string;
} {
  const first = keys[0]?.field;
  if (!first) return { normalisation: 'as-is', field: undefined };
  const kinds = new Set(keys.map((k) => formatType(k.field.type)));
  if (kinds.size === 1) return { normalisation: 'as-is', field: first };
  if (keys.every((k) => INTEGER.has(k.field.type.kind))) return { normalisation: 'integer', field: { ...first, type: { kind: 'bigint' } } };
  if (keys.every((k) => NUMBER_OR_TEXT.has(k.field.type.kind)))
    return { normalisation: 'text', field: { ...first, type: { kind: 'string' } } };
  return {
    normalisation: 'as-is',
    field: first,
    problem: `join key types cannot be compared: ${keys.map((k) => `${k.table}.${k.field.name} is ${formatType(k.field.type)}`).join(', ')} (integers, decimals and text can be mixed; other types must match)`,
  };
}

/**
 * A key value as the join compares it, or `undefined` for a key that matches nothing (null, or text
 * empty after trimming). `integer`: as bigint. `text`: integers and decimals as their plain decimal
 * text without trailing fractional zeros (`12.50` -> `12.5`, `7.00` -> `7`), text trimmed of
 * surrounding spaces; leading zeros are kept (`'007'` is not `7`). `as-is`: text is trimmed too.
 */
export function normaliseKey(value: Value, normalisation: KeyNormalisation, kind: Field['type']['kind']): Value | undefined {
  if (value === null) return undefined;
  if (normalisation === 'text' && kind === 'decimal') return decimalText(String(value).trim());
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    if (normalisation === 'text' || normalisation === 'as-is') return text;
  }
  switch (normalisation) {
    case 'integer':
      return BigInt(value as number | bigint);
    case 'text':
      return typeof value === 'number' || typeof value === 'bigint' ? decimalText(String(value)) : String(value);
    default:
      return value;
  }
}

function decimalText(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}
