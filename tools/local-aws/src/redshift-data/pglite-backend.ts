import { PGlite } from '@electric-sql/pglite';
import { pgTextParsers } from '@etl/sql';
import { REDSHIFT_COMPAT_SQL, type SqlBackend, type SqlResult, type SqlSession } from './sql-backend.js';

type Queryable = Pick<PGlite, 'query' | 'exec'>;

/** PGlite (PostgreSQL compiled to WASM, in-process): the embedded warehouse. `dataDir` persists it. */
export async function pgliteBackend(dataDir?: string): Promise<SqlBackend> {
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  await db.exec(REDSHIFT_COMPAT_SQL);
  const session = (q: Queryable): SqlSession => ({ query: (sql, params) => run(q, sql, params) });
  return {
    name: 'pglite',
    ...session(db),
    transaction: (work) => db.transaction((tx) => work(session(tx))),
    close: () => db.close(),
  };
}

async function run(db: Queryable, sql: string, params?: readonly (string | null)[]): Promise<SqlResult> {
  if (params && params.length > 0) {
    const result = await db.query<unknown[]>(sql, [...params], { rowMode: 'array', parsers: pgTextParsers });
    return toResult(result.fields, result.rows, result.affectedRows);
  }
  const results = await db.exec(sql, { rowMode: 'array', parsers: pgTextParsers });
  const last = results.at(-1);
  if (!last) return { columns: [], rows: [], rowCount: 0 };
  return toResult(last.fields, last.rows as unknown[][], last.affectedRows);
}

function toResult(fields: Array<{ name: string; dataTypeID: number }>, rows: unknown[][], affected: number | undefined): SqlResult {
  return {
    columns: fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID })),
    rows: rows.map((row) => row.map((v) => (v === null || v === undefined ? null : String(v)))),
    rowCount: fields.length > 0 ? rows.length : (affected ?? 0),
  };
}
