import type { PGlite, Results, Transaction } from '@electric-sql/pglite';
import { makeFolders, TerminalError } from '@etl/core';
import { objectsUnder, type ObjectStore } from '@etl/object-store';
import {
  bindNamedParameters,
  copyErrorContext,
  dataApiRefusals,
  pgTextParsers,
  pgTypeName,
  pgValueKind,
  quoteIdent,
  quoteLiteral,
  quoteQualified,
  redshiftColumnTypes,
  statementRefusals,
} from '@etl/sql';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import type { CsvLoad, QueryResult, SqlParameters, SqlValue, Warehouse } from '../warehouse.js';

type Queryable = Pick<PGlite | Transaction, 'query' | 'exec'>;

/**
 * The embedded warehouse: PGlite (PostgreSQL in WASM) in this process, persisted in `dataDir`
 * (the runtime uses `.local/warehouse`). Staged CSV is loaded with PostgreSQL's own COPY from the
 * object store. Memory: one staged object at a time is held while it loads.
 */
export class PgliteWarehouse implements Warehouse {
  readonly name = 'pglite';
  /** PostgreSQL's NAMEDATALEN - 1: longer identifiers are cut silently, so callers cut them first. */
  readonly maxIdentifierBytes = 63;

  private constructor(
    private readonly db: PGlite,
    private readonly objects: ObjectStore,
  ) {}

  static async open(options: { dataDir?: string; objects: ObjectStore }): Promise<PgliteWarehouse> {
    if (options.dataDir) await makeFolders(options.dataDir);
    // Imported here, not at the top: a run that never opens the embedded warehouse does not load PGlite.
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
    // Redshift's GETDATE(), which plans use for the time a statement ran (the audit row's end).
    await db.exec("CREATE OR REPLACE FUNCTION getdate() RETURNS timestamp LANGUAGE sql STABLE AS 'SELECT now()::timestamp'");
    return new PgliteWarehouse(db, options.objects);
  }

  async query(sql: string, parameters: SqlParameters = {}): Promise<QueryResult> {
    refuseWhatRedshiftRefuses([sql], false);
    return run(this.db, sql, parameters);
  }

  async transaction(statements: readonly string[]): Promise<number[]> {
    refuseWhatRedshiftRefuses(statements, true);
    return this.db.transaction(async (tx) => {
      const affected: number[] = [];
      for (const sql of statements) affected.push((await run(tx, sql, {})).rowCount);
      return affected;
    });
  }

  copyStatement(load: CsvLoad): string {
    return `COPY ${quoteQualified(load.table)} (${load.columns.map(quoteIdent).join(', ')}) FROM '/dev/blob' WITH (FORMAT csv, HEADER ${load.header ? 'true' : 'false'}, NULL ${quoteLiteral(load.nullAs ?? '\\N')})`;
  }

  async loadCsv(load: CsvLoad): Promise<number> {
    const objects = await objectsUnder(this.objects, load.stagingUri);
    if (objects.length === 0) throw new TerminalError('NOT_FOUND', `nothing staged under ${load.stagingUri}`);
    const copy = this.copyStatement(load);
    return this.db.transaction(async (tx) => {
      let loaded = 0;
      for (const uri of objects) {
        const bytes = await buffer(await this.objects.get(uri));
        const csv = load.gzip ? gunzipSync(bytes) : bytes;
        try {
          const result = await tx.query(copy, [], { blob: new Blob([csv]) });
          loaded += result.affectedRows ?? 0;
        } catch (error) {
          throw copyError(error, uri);
        }
      }
      return loaded;
    });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/**
 * The embedded warehouse stands in for Redshift: what Redshift (or its Data API, whose limits the
 * same plans meet) refuses, it refuses too, in the same words (`@etl/sql`'s rulebook; the checks
 * that need the catalog run only in the Data API stand-in).
 */
function refuseWhatRedshiftRefuses(statements: readonly string[], inTransaction: boolean): void {
  const [refusal] = [...dataApiRefusals(statements), ...statements.flatMap((sql) => statementRefusals(sql, { inTransaction }))];
  if (refusal) throw new TerminalError('INTERNAL', `${refusal.message}\n  in: ${excerpt(statements.join(';\n'))}`);
}

function excerpt(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

async function run(db: Queryable, sql: string, parameters: SqlParameters): Promise<QueryResult> {
  try {
    // Column types as Redshift stores them: TEXT, or VARCHAR without a length, is VARCHAR(256).
    const { sql: positional, values } = bindNamedParameters(redshiftColumnTypes(sql), parameters);
    if (values.length > 0) return toResult(await db.query<unknown[]>(positional, values, { rowMode: 'array', parsers: pgTextParsers }));
    const results = await db.exec(positional, { rowMode: 'array', parsers: pgTextParsers });
    const last = results.at(-1);
    return last ? toResult(last as Results<unknown[]>) : { columns: [], rows: [], rowCount: 0 };
  } catch (error) {
    throw sqlError(error, sql);
  }
}

function toResult(result: Results<unknown[]>): QueryResult {
  const kinds = result.fields.map((f) => pgValueKind(f.dataTypeID));
  return {
    columns: result.fields.map((f) => ({ name: f.name, type: pgTypeName(f.dataTypeID) })),
    rows: result.rows.map((row) => row.map((value, i) => typed(value, kinds[i] ?? 'text'))),
    rowCount: result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0),
  };
}

function typed(value: unknown, kind: ReturnType<typeof pgValueKind>): SqlValue {
  if (value === null || value === undefined) return null;
  const text = String(value);
  if (kind === 'integer' || kind === 'float') return Number(text);
  if (kind === 'boolean') return text === 't' || text === 'true';
  return text;
}

/** A refused record named as the Data API adapter names it: the file, its line and column (PostgreSQL's COPY context). */
function copyError(error: unknown, uri: string): TerminalError {
  const at = copyErrorContext(error);
  const where = at.line === undefined ? '' : ` line ${at.line}${at.column ? `, column ${at.column}` : ''}`;
  return new TerminalError('INTERNAL', `COPY failed: ${uri}${where}: ${(error as Error).message}`, { cause: error });
}

function sqlError(error: unknown, sql: string): TerminalError {
  return new TerminalError('INTERNAL', `${(error as Error).message}\n  in: ${excerpt(sql)}`, { cause: error });
}
