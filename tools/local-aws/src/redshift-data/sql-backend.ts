/** A result as the Data API needs it: column names and PostgreSQL type OIDs, values as text or null. */
export interface SqlResult {
  columns: Array<{ name: string; typeOid: number }>;
  rows: Array<Array<string | null>>;
  /** Rows affected (INSERT/UPDATE/DELETE/COPY) or returned. */
  rowCount: number;
}

/** A session that statements of one transaction run in. */
export interface SqlSession {
  /** One statement with `$1…` parameters, or several statements separated by `;` without parameters. */
  query(sql: string, params?: readonly (string | null)[]): Promise<SqlResult>;
  /**
   * Bulk load: `COPY … FROM STDIN` fed with the data in the statement's format (text lines or CSV
   * bytes); resolves to the rows loaded. Present when the engine speaks PostgreSQL's COPY protocol
   * (a server); callers fall back to INSERTs.
   */
  copyIn?(sql: string, data: AsyncIterable<string | Uint8Array>): Promise<number>;
}

/** The warehouse engine behind the Redshift Data API front: PGlite in-process or a PostgreSQL server. */
export interface SqlBackend extends SqlSession {
  readonly name: string;
  /** Connection string, when the engine is a PostgreSQL server. */
  readonly url?: string;
  /** Runs `work` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// Statements the Data API stand-in runs once per database so common Redshift functions work, and
// the system view a failed COPY's records go to (Redshift's columns, those a client reads).
export const REDSHIFT_COMPAT_SQL = `
CREATE OR REPLACE FUNCTION getdate() RETURNS timestamp LANGUAGE sql STABLE AS 'SELECT now()::timestamp';
CREATE OR REPLACE FUNCTION sysdate() RETURNS timestamp LANGUAGE sql STABLE AS 'SELECT now()::timestamp';
CREATE TABLE IF NOT EXISTS stand_in_late_binding_views (name varchar(300) PRIMARY KEY, definition varchar(65535) NOT NULL);
CREATE TABLE IF NOT EXISTS sys_load_error_detail (query_id bigint, start_time timestamp, file_name char(256), line_number bigint, column_name char(127), error_code integer, error_message char(512));
`;
