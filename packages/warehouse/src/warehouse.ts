/** A value as a warehouse returns it: integers and floats as numbers, DECIMAL/dates/times as exact strings. */
export type SqlValue = string | number | boolean | null;

export interface ColumnInfo {
  name: string;
  /** The engine's type name: `int8`, `varchar`, `numeric`, `timestamp` … */
  type: string;
}

export interface QueryResult {
  columns: ColumnInfo[];
  rows: SqlValue[][];
  /** Rows returned, or rows affected by INSERT/UPDATE/DELETE/COPY. */
  rowCount: number;
}

/** Values for `:name` placeholders; always bound, never spliced into the SQL text. */
export type SqlParameters = Readonly<Record<string, string>>;

/** Staged CSV objects to bulk-load into a table (Redshift: `COPY … FROM 's3://…'`). */
export interface CsvLoad {
  /** `schema.table`, as written in SQL (quote it with `quoteQualified`). */
  table: string;
  /** Column names in the files' order. */
  columns: readonly string[];
  /** Every object under this prefix is loaded. */
  stagingUri: string;
  gzip?: boolean;
  /** The files start with a header line. */
  header?: boolean;
  /** The text that stands for NULL (default `\N`). */
  nullAs?: string;
}

export interface WarehouseCallOptions {
  signal?: AbortSignal;
}

/**
 * The port every warehouse adapter implements: Redshift through the Data API, or embedded PGlite.
 * SQL is PostgreSQL/Redshift-compatible; Redshift-only clauses belong in the Redshift adapter's callers.
 */
export interface Warehouse {
  readonly name: string;
  /** Longest identifier the engine keeps (Redshift 127 bytes, PostgreSQL 63); name columns within it. */
  readonly maxIdentifierBytes: number;
  /** Runs one statement. A failure is a `TerminalError` naming the SQL; throttling is retried. */
  query(sql: string, parameters?: SqlParameters, options?: WarehouseCallOptions): Promise<QueryResult>;
  /** Runs the statements in ONE transaction: all of them commit, or none does. Rows affected per statement. */
  transaction(statements: readonly string[], options?: WarehouseCallOptions): Promise<number[]>;
  /**
   * The COPY statement `loadCsv` runs for this load, exactly (a dry run prints it; PGlite runs it once
   * per staged file, from the file's bytes). Throws what `loadCsv` would for a load it cannot run
   * (Redshift: no IAM role, staging not on S3), before anything is run.
   */
  copyStatement(load: CsvLoad): string;
  /** Bulk-loads staged CSV; all files or nothing. Returns the rows loaded. */
  loadCsv(load: CsvLoad, options?: WarehouseCallOptions): Promise<number>;
  close(): Promise<void>;
}
