import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { REDSHIFT_COMPAT_SQL, type SqlBackend, type SqlResult, type SqlSession } from './sql-backend.js';

// Keep PostgreSQL's text form of every value; the Data API layer types it by OID.
const textTypes = { getTypeParser: () => (value: string) => value };

/** A PostgreSQL server (the local stack's throwaway cluster, or any other) reached by connection string. */
export async function postgresBackend(connectionString: string): Promise<SqlBackend> {
  const pool = new pg.Pool({ connectionString, max: 4, types: textTypes });
  // An idle pooled connection whose server went away (the stack stopping PostgreSQL before this
  // pool is closed: FATAL 57P01) is dropped by the pool, which then emits 'error'; unheard, that
  // event is an uncaught exception. A query in flight still fails with its own error.
  pool.on('error', () => undefined);
  await pool.query(REDSHIFT_COMPAT_SQL);
  const session = (client: pg.Pool | pg.PoolClient): SqlSession => ({
    query: (sql, params) => run(client, sql, params),
    copyIn: (sql, data) => (client instanceof pg.Pool ? withClient(pool, (c) => copyIn(c, sql, data)) : copyIn(client, sql, data)),
  });
  return {
    name: 'postgresql',
    url: connectionString,
    ...session(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(session(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}

/** Streams COPY data to the server (the COPY protocol, as psql's \copy does). */
async function copyIn(client: pg.PoolClient, sql: string, data: AsyncIterable<string | Uint8Array>): Promise<number> {
  const stream = client.query(copyFrom(sql));
  await pipeline(Readable.from(data), stream);
  return stream.rowCount;
}

async function run(client: pg.Pool | pg.PoolClient, sql: string, params?: readonly (string | null)[]): Promise<SqlResult> {
  const raw = (await client.query({ text: sql, values: params ? [...params] : [], rowMode: 'array' })) as unknown as
    pg.QueryArrayResult | pg.QueryArrayResult[];
  const result = Array.isArray(raw) ? raw.at(-1) : raw;
  if (!result) return { columns: [], rows: [], rowCount: 0 };
  const fields = result.fields ?? [];
  return {
    columns: fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID })),
    rows: result.rows.map((row) => row.map((v) => (v === null || v === undefined ? null : String(v)))),
    rowCount: fields.length > 0 ? result.rows.length : (result.rowCount ?? 0),
  };
}
