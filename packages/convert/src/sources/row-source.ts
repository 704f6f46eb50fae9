import type { RunContext, Source } from '@etl/core';
import type { CastOptions, ColumnBatch, InferOptions, Schema, Value } from '@etl/schema';
import type { SniffResult } from '../sniff-file.js';
import type { TextLimits } from './text-limits.js';

/**
 * Typed rows from a file, in batches, with the schema they follow. It is a core `Source` (named by
 * its URI, opening to `batches()`), so `from(await openRows(…))` starts a pipeline directly.
 */
export interface RowSource extends Source<Value[]> {
  readonly schema: Schema;
  /** Batches of rows, values in schema order. Bad records went to `ctx.rejects` on the way. */
  batches(): AsyncGenerator<Value[][]>;
  /**
   * The same rows as typed column batches, for columnar writers (no row arrays, no BigInt per
   * timestamp, no string per decimal). Offered by sources that cast text (CSV); read once, either way.
   */
  columnBatches?(): AsyncGenerator<ColumnBatch>;
  /** Records read from the file (good and rejected), known once `batches` is done. */
  readonly rowsRead: number;
  readonly bytesRead: number;
  /**
   * A CSV source's reading, as plain settings: what `convert` needs to read the same file in pieces
   * on worker threads (`parallel/`) with the same dialect, columns, types and casts. Not for pipelines.
   */
  readonly csvReading?: CsvReading;
}

/** How a CSV source reads its file (see `RowSource.csvReading`). */
export interface CsvReading {
  uri: string;
  sniffed: SniffResult;
  delimiter: string;
  skipLines?: number;
  joinShortRows?: boolean;
  /** The column names of a file without a header. */
  columns: readonly string[];
  renameColumns?: (names: readonly string[]) => string[];
  /** The fields cast, by name (omitted columns left out). */
  schema: Schema;
  cast: CastOptions;
  /** Types were inferred from the sample: a cast reject says so (`withInferenceHint`). */
  inferred: boolean;
  /** Raw bytes as they are read (the source's `bytesRead`). */
  counted: (bytes: number) => void;
  /** Records read, when another reader read them (the source's `rowsRead`). */
  setRowsRead: (rows: number) => void;
}

/** What a source builds and updates as it reads: its counters are plain fields. */
export type CountingRowSource = { -readonly [K in keyof RowSource]: RowSource[K] };

export interface SourceOptions {
  ctx: RunContext;
  /** The columns and their types; CSV and NDJSON infer one from the first MiB when absent. */
  schema?: Schema;
  /** Text encoding (WHATWG label); detected when absent. */
  encoding?: string;
  /** CSV delimiter; sniffed when absent. */
  delimiter?: string;
  /** CSV quote character (default `"`); null: nothing quotes, every character is data (Hive's LazySimpleSerDe). */
  quote?: string | null;
  /** IANA zone for timestamps without an offset (default UTC). */
  timeZone?: string;
  /** CSV: whether the first record is a header (default: sniffed). Loads of named columns say true. */
  header?: boolean;
  /** CSV: physical lines dropped before the header (titles, notes). */
  skipLines?: number;
  /** CSV: join a record with too few fields to the next (values holding an unquoted line break). */
  joinShortRows?: boolean;
  /** Texts read as null in every column (`NA`, `NULL` …), besides the empty field. */
  nullValues?: readonly string[];
  /** Numbers written with a decimal comma (`1,7`). */
  decimalSeparator?: '.' | ',';
  /** Thousands separator in numbers (`200.000.000`). */
  groupSeparator?: string;
  /** CSV: the file's header names -> the column names used (e.g. `cleanColumnNames` for Redshift). */
  renameColumns?: (names: readonly string[]) => string[];
  /** CSV: how types are inferred when no schema is given (decimal(38,18) for fractions, key columns). */
  infer?: InferOptions;
  /**
   * CSV without a schema: infer the types from the first MiB (`sample`, the default) or from every
   * record (`file`, Spark's inferSchema: one more streaming pass over the file before the load, so a
   * text value deep in a numeric-looking column types it varchar instead of becoming a reject).
   */
  inferFrom?: 'sample' | 'file';
  /** CSV: columns of the file (named after `renameColumns`) not read at all, e.g. ones the caller fills itself. */
  omitColumns?: readonly string[];
  /**
   * CSV: text the destination cannot hold (longer than its limit in UTF-8 bytes, or holding NUL): the
   * record is a reject naming its line and column, the rest of the file is read. Checked on the raw
   * text of `string` columns before the cast; nothing is truncated or stripped.
   */
  textLimits?: TextLimits;
}

/**
 * What the CSV parser is given for `quote: null`: U+FFFF, a Unicode noncharacter that text never
 * holds (bad bytes decode to U+FFFD), so no field starts a quoted one.
 */
export const NO_QUOTE = '\uffff';

/** The CSV parser's quote character for a `quote` option. */
export function parserQuote(quote: string | null): string {
  return quote === null ? NO_QUOTE : quote;
}

/** The casting options a source passes to `@etl/schema`. */
export function castOptionsOf(options: SourceOptions): CastOptions {
  return {
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    ...(options.nullValues ? { nullValues: options.nullValues } : {}),
    ...(options.decimalSeparator ? { decimalSeparator: options.decimalSeparator } : {}),
    ...(options.groupSeparator ? { groupSeparator: options.groupSeparator } : {}),
  };
}
