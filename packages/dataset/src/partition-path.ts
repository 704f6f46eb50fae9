import type { Field, Value } from '@etl/schema';
import { civilYmd, formatValue, trimFraction } from '@etl/schema';

/**
 * Hive-style partition folders (`key=value/`) of a row, as Hive, Spark, Athena and Glue write and
 * read them. Pure.
 */

/** `identity` keeps the value; `year` / `month` / `day` (date and timestamp columns) make one folder level per unit. */
export type PartitionTransform = 'identity' | 'year' | 'month' | 'day';

export interface PartitionSpec {
  column: string;
  /** Default `identity`. */
  transform?: PartitionTransform;
  /**
   * Folder key (identity), or the stem of the keys `<name>_year`, `<name>_month`, `<name>_day`
   * (transforms). Default: the column's name.
   */
  name?: string;
}

/** A partition spec resolved against the schema. */
export interface PartitionLevel {
  /** Index of the column in the row. */
  index: number;
  field: Field;
  transform: PartitionTransform;
  /** The folder keys this spec makes, outermost first (`d_year`, `d_month` for `d:month`). */
  keys: string[];
}

/** Hive's folder for a null (or empty) value. */
export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';

// Hive's FileUtils.escapePathName (Spark's ExternalCatalogUtils): control characters and these, as %XX.
// eslint-disable-next-line no-control-regex -- control characters are exactly what Hive escapes
const NEEDS_ESCAPE = /[\u0000-\u001f"#%'*/:=?\\\u007f{[\]^]/g;

/** A partition key or value as Hive writes it in a path: `a/b` -> `a%2Fb`, `10:30` -> `10%3A30`; other characters (UTF-8 too) as they are. */
export function hiveEscape(text: string): string {
  return text.replace(NEEDS_ESCAPE, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** The value back from its folder name (`%XX` -> the character), as Hive's `unescapePathName`. */
export function hiveUnescape(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The folder keys of a spec: the name itself, or one per unit down to the transform's (`_year`, `_month`, `_day`). */
export function partitionKeys(name: string, transform: PartitionTransform): string[] {
  switch (transform) {
    case 'identity':
      return [name];
    case 'year':
      return [`${name}_year`];
    case 'month':
      return [`${name}_year`, `${name}_month`];
    case 'day':
      return [`${name}_year`, `${name}_month`, `${name}_day`];
  }
}

/**
 * The folder values of one value (unescaped): identity gives its text (timestamps as
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC, as Spark writes them); year/month/day give the UTC calendar
 * fields, month and day zero-padded (`2011`, `12`, `01`). Null and `''` are `__HIVE_DEFAULT_PARTITION__`
 * at every level, as in Hive.
 */
export function partitionValues(value: Value, field: Field, transform: PartitionTransform): string[] {
  const levels = partitionKeys('', transform).length;
  if (value === null || value === '') return new Array<string>(levels).fill(HIVE_DEFAULT_PARTITION);
  if (transform === 'identity') return [identityText(value, field)];
  const [year, month, day] = calendarFields(value, field);
  return [String(year), pad2(month), pad2(day)].slice(0, levels);
}

/** The partition folders of a row (`k=v/k2=v2`, keys and values escaped), `''` when there are no levels. */
export function partitionPath(levels: readonly PartitionLevel[], row: readonly Value[]): string {
  let path = '';
  for (const level of levels) {
    const values = partitionValues(row[level.index] ?? null, level.field, level.transform);
    for (let i = 0; i < values.length; i++) {
      const folder = `${hiveEscape(level.keys[i] as string)}=${values[i] === HIVE_DEFAULT_PARTITION ? HIVE_DEFAULT_PARTITION : hiveEscape(values[i] as string)}`;
      path = path === '' ? folder : `${path}/${folder}`;
    }
  }
  return path;
}

function identityText(value: Exclude<Value, null>, field: Field): string {
  if (field.type.kind === 'timestamp') return trimFraction(formatValue(value, { ...field, type: { kind: 'timestamp', withZone: false } }));
  return formatValue(value, field);
}

const MICROS_PER_DAY = 86_400_000_000n;

/** Year, month and day of a date (`YYYY-MM-DD`, or an expanded `+YYYYYY-MM-DD`) or a timestamp (UTC). */
function calendarFields(value: Exclude<Value, null>, field: Field): [number, number, number] {
  if (field.type.kind === 'date') {
    const m = /^([+-]?\d{4,6})-(\d{2})-(\d{2})$/.exec(String(value));
    if (!m) throw new TypeError(`${field.name}: "${String(value)}" is not a date (YYYY-MM-DD)`);
    return [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  const micros = BigInt(value as bigint | number);
  // Floor division: a timestamp before 1970 belongs to the day it falls in, not the one after.
  const days = micros >= 0n ? micros / MICROS_PER_DAY : -((-micros + MICROS_PER_DAY - 1n) / MICROS_PER_DAY);
  const ymd = civilYmd(Number(days));
  const year = Math.floor(ymd / 10_000);
  const monthDay = ymd - year * 10_000;
  return [year, Math.floor(monthDay / 100), monthDay % 100];
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
