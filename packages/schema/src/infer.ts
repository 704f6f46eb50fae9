import { CastFailure, compileCaster } from './cast.js';
import type { Field, FieldType, Schema } from './types.js';

export interface InferOptions {
  /** Map inferred doubles and decimals to DECIMAL(38,18), as seed 003 does (key columns excluded). */
  decimalForFractions?: boolean;
  /** Columns that are keys: never widened to decimal(38,18), and not nullable. */
  keyColumns?: readonly string[];
  /**
   * Type every integer column BIGINT instead of the narrowest type the sample fits. For loads that
   * size their columns from every row (see `SourceProfile`): a sample cannot know that ids pass
   * 32767 later in the file, and a narrow cast would reject those rows.
   */
  widenIntegers?: boolean;
  timeZone?: string;
  /** Texts that mean null (`NA`, `NULL` …): counted as empty, as the caster will read them. */
  nullValues?: readonly string[];
  /** Decimal separator of the numbers (`,` for `1,7`), as the caster will read them. */
  decimalSeparator?: '.' | ',';
  /** Thousands separator in the numbers (`.` for `200.000.000`), as the caster will read them. */
  groupSeparator?: string;
}

/** Per-column evidence gathered from a sample; narrowest type that every non-empty value fits. */
interface Evidence {
  empty: number;
  values: number;
  maxLength: number;
  candidates: Set<Kind>;
  integerDigits: number;
  scale: number;
  integerMax: bigint;
  integerMin: bigint;
}

type Kind = 'boolean' | 'integer' | 'decimal' | 'double' | 'date' | 'timestamp' | 'string';

const ORDER: Kind[] = ['boolean', 'integer', 'decimal', 'double', 'date', 'timestamp', 'string'];

/**
 * A schema from a sample of records (Spark's inferSchema, but exact): booleans, integers sized to
 * smallint/int/bigint, decimals with the precision and scale seen, doubles only for exponent
 * notation, dates, timestamps, else varchar sized to the longest value. Leading zeros (`08123`)
 * keep a column a string. Pure.
 */
export function inferSchema(columns: readonly string[], sample: readonly (readonly string[])[], options: InferOptions = {}): Schema {
  const inference = new SchemaInference(columns, options);
  for (const row of sample) inference.observe(row);
  return inference.schema();
}

/**
 * `inferSchema` a record at a time, for a whole file streamed past it: memory is the evidence per
 * column (a few numbers and a set of candidate types), not the records.
 */
export class SchemaInference {
  private readonly evidence: Evidence[];
  /** Whether a text casts as the type: each caster compiled once, not per value (`castValue` compiles one per call). */
  private readonly fits: Record<'bigint' | 'double' | 'date' | 'timestamp', (text: string) => boolean>;
  private readonly nulls: ReadonlySet<string>;
  /** A value in the plain number form the numeric checks read (`1.234,5` -> `1234.5`); undefined: not a number. */
  private readonly plainNumber: (text: string) => string | undefined;

  constructor(
    private readonly columns: readonly string[],
    private readonly options: InferOptions = {},
  ) {
    this.evidence = columns.map(() => ({
      empty: 0,
      values: 0,
      maxLength: 0,
      candidates: new Set(ORDER),
      integerDigits: 0,
      scale: 0,
      integerMax: 0n,
      integerMin: 0n,
    }));
    // The numeric probes see plain numbers (`plainNumber`), so they need no separators of their own.
    const { decimalSeparator: _decimal, groupSeparator: _group, ...castOptions } = options;
    const fits = (type: FieldType) => {
      const cast = compileCaster({ name: 'probe', type, nullable: true }, castOptions);
      return (text: string) => !(cast(text) instanceof CastFailure);
    };
    this.fits = {
      bigint: fits({ kind: 'bigint' }),
      double: fits({ kind: 'double' }),
      date: fits({ kind: 'date' }),
      timestamp: fits({ kind: 'timestamp', withZone: false }),
    };
    this.nulls = new Set(options.nullValues ?? []);
    this.plainNumber = plainNumberReader(options);
  }

  /** One record's fields, in column order (a missing field counts as empty). */
  observe(row: readonly string[]): void {
    for (let i = 0; i < this.evidence.length; i++) this.observeValue(this.evidence[i] as Evidence, row[i] ?? '');
  }

  schema(): Schema {
    const keys = new Set(this.options.keyColumns ?? []);
    const fields: Field[] = this.columns.map((name, i) => {
      const evidence = this.evidence[i] as Evidence;
      let type = choose(evidence);
      if (this.options.widenIntegers && (type.kind === 'smallint' || type.kind === 'int')) type = { kind: 'bigint' };
      if (this.options.decimalForFractions && !keys.has(name) && (type.kind === 'double' || type.kind === 'decimal'))
        type = { kind: 'decimal', precision: 38, scale: 18 };
      return { name, type, nullable: !keys.has(name) && (evidence.empty > 0 || evidence.values === 0) };
    });
    return { fields };
  }

  private observeValue(evidence: Evidence, raw: string): void {
    const fits = this.fits;
    const text = raw.trim();
    if (text === '' || this.nulls.has(text)) {
      evidence.empty++;
      return;
    }
    evidence.maxLength = Math.max(evidence.maxLength, Buffer.byteLength(raw));
    evidence.values++;
    const c = evidence.candidates;
    if (c.size === 1) return; // only 'string' left: the length above is all a value can still tell
    if (c.has('boolean') && !/^(true|false|t|f|yes|no)$/i.test(text)) c.delete('boolean');
    const number = c.has('integer') || c.has('decimal') || c.has('double') ? this.plainNumber(text) : undefined;
    if (number === undefined) {
      c.delete('integer');
      c.delete('decimal');
      c.delete('double');
    }
    const leadingZero = number !== undefined && /^[+-]?0\d/.test(number);
    if (number !== undefined && c.has('integer')) {
      // Up to 18 digits always fits a bigint; only longer texts need the caster's range check.
      const digits = number.length - (number.charCodeAt(0) === 43 || number.charCodeAt(0) === 45 ? 1 : 0);
      if (!/^[+-]?\d{1,19}$/.test(number) || leadingZero || (digits > 18 && !fits.bigint(number))) c.delete('integer');
      else {
        // Up to 15 characters a Number is exact and far cheaper than a BigInt; they compare as values.
        const value = number.length <= 15 ? Number(number) : BigInt(number);
        if (value > evidence.integerMax) evidence.integerMax = BigInt(value);
        if (value < evidence.integerMin) evidence.integerMin = BigInt(value);
      }
    }
    if (number !== undefined && c.has('decimal')) {
      const decimal = /^[+-]?(\d*)\.?(\d*)$/.exec(number);
      if (!decimal || leadingZero || (decimal[1] === '' && decimal[2] === '')) c.delete('decimal');
      else {
        evidence.integerDigits = Math.max(evidence.integerDigits, (decimal[1] ?? '').replace(/^0+/, '').length);
        evidence.scale = Math.max(evidence.scale, (decimal[2] ?? '').length);
      }
    }
    if (number !== undefined && c.has('double') && (leadingZero || !fits.double(number))) c.delete('double');
    if (c.has('date') && !fits.date(text)) c.delete('date');
    if (c.has('timestamp') && (!/\d{1,2}:\d{2}/.test(text) || !fits.timestamp(text))) c.delete('timestamp');
  }
}

/**
 * Locale number text -> the plain form (`1.234,5` -> `1234.5`), rewritten as the caster rewrites it
 * (`CastOptions` `decimalSeparator`, `groupSeparator`). A text holding the group separator other than
 * between groups of three digits (`15.02.2026`, a date) is no number: the caster would drop the
 * separators and read it as one.
 */
function plainNumberReader(options: InferOptions): (text: string) => string | undefined {
  const group = options.groupSeparator;
  const comma = options.decimalSeparator === ',';
  if (!group && !comma) return (text) => text;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const grouped = group ? new RegExp(`^[+-]?\\d{1,3}(?:${escape(group)}\\d{3})+(?:${escape(comma ? ',' : '.')}\\d*)?$`) : undefined;
  return (text) => {
    let plain = text;
    if (group && grouped && text.includes(group)) {
      if (!grouped.test(text)) return undefined;
      plain = text.split(group).join('');
    }
    return comma ? plain.replace(',', '.') : plain;
  };
}

function choose(e: Evidence): FieldType {
  const c = e.candidates;
  if (e.values === 0) return { kind: 'string', maxLength: Math.max(1, e.maxLength) };
  if (c.has('boolean')) return { kind: 'boolean' };
  if (c.has('integer')) {
    const fits = (min: bigint, max: bigint) => e.integerMin >= min && e.integerMax <= max;
    if (fits(-32768n, 32767n)) return { kind: 'smallint' };
    if (fits(-2147483648n, 2147483647n)) return { kind: 'int' };
    return { kind: 'bigint' };
  }
  // More than 18 places is a float printed without an exponent (0.000009412877261638641), not a
  // business decimal: as a decimal its next value would likely need one more place and be rejected.
  if (c.has('decimal') && e.scale <= 18 && e.integerDigits + e.scale <= 38)
    return { kind: 'decimal', precision: Math.max(1, e.integerDigits + e.scale), scale: e.scale };
  if (c.has('double')) return { kind: 'double' };
  if (c.has('date')) return { kind: 'date' };
  if (c.has('timestamp')) return { kind: 'timestamp', withZone: false };
  return { kind: 'string', maxLength: Math.max(1, e.maxLength) };
}
