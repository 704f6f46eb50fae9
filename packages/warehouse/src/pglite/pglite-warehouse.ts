import { PGlite, type Results, type Transaction } from '@electric-sql/pglite';
import { TerminalError } from '@etl/core';
import { objectsUnder, type ObjectStore } from '@etl/object-store';
import {
  bindNamedParameters,
  copyErrorContext,
  pgTextParsers,
  pgTypeName,
  pgValueKind,
  quoteIdent,
  quoteLiteral,
  quoteQualified,
} from '@etl/sql';
import { mkdir } from 'node:fs/promises';
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
    if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
    const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
    return new PgliteWarehouse(db, options.objects);
  }

  query(sql: string, parameters: SqlParameters = {}): Promise<QueryResult> {
    return run(this.db, sql, parameters);
  }

  async transaction(statements: readonly string[]): Promise<number[]> {
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

async function run(db: Queryable, sql: string, parameters: SqlParameters): Promise<QueryResult> {
  try {
    const { sql: positional, values } = bindNamedParameters(sql, parameters);
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
  const flat = sql.replace(/\s+/g, ' ').trim();
  return new TerminalError('INTERNAL', `${(error as Error).message}\n  in: ${flat.length > 300 ? `${flat.slice(0, 300)}…` : flat}`, {
    cause: error,
  });
}
