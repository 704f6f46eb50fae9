import type { TableDefinition } from '@etl/catalog';
import { RecordError, TerminalError, writeRejects, type RunContext, type Source } from '@etl/core';
import { objectRandomAccess, type ObjectStore } from '@etl/object-store';
import { ParquetFile, ParquetReadError, type RowGroupInfo } from '@etl/parquet';
import { CastFailure, compileCaster, type Field, type Schema, type Value } from '@etl/schema';
import type { TableFile } from './table-files.js';
import { tableSchema } from './table-schema.js';
import { textLayout } from './text-layout.js';
import { instantOf, valueConverter, type ValueConverter } from './values.js';

/** Rows changed at or after `from` (microseconds since the epoch, inclusive) by `column`. */
export interface ReadWindow {
  column: string;
  from: bigint;
}

/** The text-file reader: `@etl/convert`'s `openRows`, passed in (adapters do not depend on the conversion package). */
export type OpenTextRows = (
  store: ObjectStore,
  uri: string,
  format: 'csv' | 'ndjson',
  options: {
    ctx: RunContext;
    schema: Schema;
    header?: boolean;
    delimiter?: string;
    /** null: no quoting. */
    quote?: string | null;
    skipLines?: number;
    nullValues?: readonly string[];
    timeZone?: string;
  },
) => Promise<{ batches(): AsyncGenerator<Value[][]> }>;

export interface TableReadOptions {
  ctx: RunContext;
  /** Reads CSV and JSON-lines files: `openRows` of `@etl/convert`. Only Parquet tables can do without it. */
  openText?: OpenTextRows;
  /**
   * Only rows whose `column` is at least `from`: older ones and ones with no time there are dropped
   * (counted apart), and Parquet row groups whose statistics say every row is older are not read at all.
   */
  window?: ReadWindow;
  /** IANA zone of text timestamps without an offset (default UTC). */
  timeZone?: string;
  /**
   * False: these rows are not the run's input (a CDC load's published current state, read again to
   * merge with): their Parquet rows are not counted as rows read. Text files' parsers count theirs.
   */
  countRead?: boolean;
}

/** What a read did, per table: the run report's figures. */
export interface TableReadStats {
  files: number;
  /** Rows read from the files (before the window). */
  rowsRead: number;
  /** Rows of Parquet row groups not read because their statistics put them before the window. */
  rowsSkippedByStatistics: number;
  rowGroupsSkipped: number;
  /** Rows read and dropped as older than the window. */
  rowsBeforeWindow: number;
  /** Rows read and dropped by a window because their change time is null (or not a time): in no window. */
  rowsWithoutChangeTime: number;
}

/** A table's rows as a core `Source`: values in `schema` order, files in key order, rows in file order. */
export interface TableRows extends Source<Value[]> {
  readonly schema: Schema;
  readonly stats: TableReadStats;
  batches(): AsyncGenerator<Value[][]>;
}

/**
 * Rows of a catalog table, cast to its columns (`tableSchema`: data columns, then partition keys):
 * Parquet by row group (only the table's columns fetched; a column missing from a file reads as
 * null), CSV as its SerDe declares it (`textLayout`), JSON lines by name. Values that do not cast go
 * to the run's rejects with file, row and column. A file that cannot be read fails the read with a
 * `TerminalError` naming it. Memory: one Parquet row group (or one text batch) at a time.
 */
export function tableRows(store: ObjectStore, table: TableDefinition, files: readonly TableFile[], options: TableReadOptions): TableRows {
  const schema = tableSchema(table);
  const dataFields = schema.fields.slice(0, table.columns.length);
  const partitionCasts = schema.fields.slice(table.columns.length).map((f) => compileCaster(f));
  const windowIndex = options.window ? schema.fields.findIndex((f) => f.name === options.window?.column) : -1;
  if (options.window && windowIndex < 0)
    throw new TerminalError('BAD_ARGUMENT', `table ${table.name} has no column ${options.window.column} to read changes by`);
  const windowField = schema.fields[windowIndex];
  const stats: TableReadStats = {
    files: 0,
    rowsRead: 0,
    rowsSkippedByStatistics: 0,
    rowGroupsSkipped: 0,
    rowsBeforeWindow: 0,
    rowsWithoutChangeTime: 0,
  };
  const { ctx } = options;
  // A stage: rows read are counted once, by whatever turned bytes into them (the CSV or NDJSON parser,
  // or `parquet-read`); here what the window kept, and what it dropped.
  const metrics = ctx.counters.component(`table:${table.name}`, 'stage');

  async function* fileBatches(file: TableFile): AsyncGenerator<Value[][]> {
    const partition = file.partitionValues.map((text, i) => {
      const value = text === '__HIVE_DEFAULT_PARTITION__' ? null : (partitionCasts[i] as (raw: string) => Value | CastFailure)(text);
      return value instanceof CastFailure ? null : value;
    });
    const rows =
      table.format === 'parquet'
        ? parquetBatches(store, file.uri, dataFields, options, stats, windowField && instantBound(windowField, options.window))
        : textBatches(store, file.uri, table, dataFields, options);
    for await (const batch of rows) {
      stats.rowsRead += batch.length;
      metrics.rowsIn += batch.length;
      const kept: Value[][] = [];
      for (const row of batch) {
        if (partition.length > 0) row.push(...partition);
        if (windowField && options.window) {
          const at = instantOf(row[windowIndex] ?? null, windowField);
          if (at === undefined) {
            stats.rowsWithoutChangeTime++;
            continue;
          }
          if (at < options.window.from) {
            stats.rowsBeforeWindow++;
            continue;
          }
        }
        kept.push(row);
      }
      metrics.rowsOut += kept.length;
      metrics.dropped += batch.length - kept.length;
      if (kept.length > 0) yield kept;
    }
  }

  const source: TableRows = {
    name: `${table.database}.${table.name}`,
    schema,
    stats,
    open: () => source.batches(),
    async *batches() {
      for (const file of files) {
        ctx.signal.throwIfAborted();
        stats.files++;
        try {
          yield* fileBatches(file);
        } catch (error) {
          if (error instanceof ParquetReadError)
            throw new TerminalError('BAD_INPUT', `table ${table.name}: ${error.message}`, { cause: error });
          throw error;
        }
      }
    },
  };
  return source;
}

/** The window's start as the statistics of a Parquet timestamp column hold it (bigint microseconds); others are not pushed down. */
function instantBound(field: Field, window: ReadWindow | undefined): bigint | undefined {
  return window && field.type.kind === 'timestamp' ? window.from : undefined;
}

async function* parquetBatches(
  store: ObjectStore,
  uri: string,
  fields: readonly Field[],
  options: TableReadOptions,
  stats: TableReadStats,
  from: bigint | undefined,
): AsyncGenerator<Value[][]> {
  const { ctx } = options;
  const file = await ParquetFile.open(await objectRandomAccess(store, uri, { signal: ctx.signal }));
  const fileFields = new Map(file.schema.fields.map((f) => [f.name, f]));
  const converters: Array<ValueConverter | undefined> = fields.map((f) => {
    const stored = fileFields.get(f.name);
    return stored ? valueConverter(stored, f) : undefined;
  });
  const columns = fields.filter((f) => fileFields.has(f.name)).map((f) => f.name);
  const windowColumn = options.window?.column;
  const keep = (group: RowGroupInfo): boolean => {
    if (from === undefined || windowColumn === undefined) return true;
    const max = group.statistics[windowColumn]?.max;
    if (typeof max !== 'bigint' || max >= from) return true;
    stats.rowGroupsSkipped++;
    stats.rowsSkippedByStatistics += group.rows;
    return false;
  };
  const metrics = ctx.counters.component('parquet-read', 'reader');
  for await (const { rowGroup, rows } of file.batches({ columns, rowGroups: keep })) {
    const batch: Value[][] = [];
    const rejects: RecordError[] = [];
    const firstRow = file.rowGroups[rowGroup]?.firstRow ?? 0;
    rows.forEach((stored, i) => {
      const row: Value[] = new Array<Value>(fields.length);
      for (let c = 0; c < fields.length; c++) {
        const convert = converters[c];
        const value = convert ? convert(stored[(fields[c] as Field).name]) : null;
        if (value instanceof CastFailure) {
          const field = fields[c] as Field;
          rejects.push(
            new RecordError({
              code: 'CAST',
              reason: value.reason,
              file: uri,
              line: firstRow + i + 1,
              column: field.name,
              raw: String(stored[field.name]),
            }),
          );
          return;
        }
        row[c] = value;
      }
      batch.push(row);
    });
    if (options.countRead !== false) {
      metrics.rowsIn += rows.length;
      metrics.rowsOut += batch.length;
    }
    if (rejects.length > 0) await writeRejects(ctx, metrics, 'table-reader', rejects);
    yield batch;
  }
}

async function* textBatches(
  store: ObjectStore,
  uri: string,
  table: TableDefinition,
  fields: Field[],
  options: TableReadOptions,
): AsyncGenerator<Value[][]> {
  const schema = { fields };
  const zone = options.timeZone ? { timeZone: options.timeZone } : {};
  const openText = options.openText;
  if (!openText)
    throw new TerminalError('BAD_ARGUMENT', `table ${table.name} is ${table.format}: give tableRows openText (openRows of @etl/convert)`);
  if (table.format === 'json') {
    yield* (await openText(store, uri, 'ndjson', { ctx: options.ctx, schema, ...zone })).batches();
    return;
  }
  const layout = textLayout(table);
  const rows = await openText(store, uri, 'csv', {
    ctx: options.ctx,
    schema,
    header: false,
    delimiter: layout.delimiter,
    quote: layout.quote,
    ...(layout.headerLines > 0 ? { skipLines: layout.headerLines } : {}),
    ...(layout.nullValues.length > 0 ? { nullValues: layout.nullValues } : {}),
    ...zone,
  });
  yield* rows.batches();
}
