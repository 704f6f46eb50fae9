/** Shared by the job's specs: running the job in-process, and a database of DuckDB-written Parquet tables DuckDB also joins. */
import { mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { FileCatalog } from '@etl/catalog';
import { createObjectStore } from '@etl/object-store';
import { runJob } from '@etl/runtime';
import { catalogJoinJob } from './job.js';

export const store = createObjectStore();

function capture(): Writable & { text: string } {
  const out = Object.assign(new Writable({ write: (chunk, _e, cb) => ((out.text += String(chunk)), cb()) }), { text: '' });
  return out;
}

export interface TableLine {
  table: string;
  rowsRead: number;
  rowsRejectedForKey: number;
  rowsChanged: number | null;
  keysRepeated: number;
  rowsInRepeatedKeys: number;
  watermarkBefore: string | null;
  watermarkAfter: string | null;
  skipped?: string;
}

export interface Report {
  runId?: string;
  outcome?: string;
  error?: { code?: string; message: string };
  figures: {
    mode: string;
    rowsOut: number;
    keysOut: number;
    maxFanout?: number;
    published: boolean;
    manifest: string | null;
    columns: string[];
    tablesSkipped: string[];
    tables: TableLine[];
  };
  rejects?: { count?: number };
}

function safeList(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** Runs the job as its `main` does with `--local_dir <local>`; the exit code, the run's report, stderr and its rejects' lines. */
export async function run(local: string, ...argv: string[]) {
  return runIn({}, local, argv);
}

/** `run` with the environment given (the local AWS stack's endpoints). */
export async function runIn(env: NodeJS.ProcessEnv, local: string, argv: readonly string[]) {
  const stderr = capture();
  const stdout = capture();
  const runs = join(local, 'runs', 'catalog-join-to-parquet');
  const before = new Set(safeList(runs));
  const code = await runJob(catalogJoinJob, {
    argv: [...argv, '--local_dir', local],
    env: { ...env },
    stdout,
    stderr,
    handleSignals: false,
  });
  const runId = safeList(runs).find((r) => !before.has(r));
  const report = (runId ? JSON.parse(readFileSync(join(runs, runId, 'report.json'), 'utf8')) : {}) as Report;
  const rejectsFile = runId ? join(runs, runId, 'rejects.ndjson') : '';
  const rejects = safeList(join(runs, runId ?? '-')).includes('rejects.ndjson')
    ? readFileSync(rejectsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];
  return { code, report, stderr: stderr.text, output: `${stdout.text}${stderr.text}`, rejects };
}

/** `args` with `--name value` replaced (or added). */
export function withArg(args: readonly string[], name: string, value: string): string[] {
  const at = args.indexOf(name);
  return at < 0 ? [...args, name, value] : [...args.slice(0, at), name, value, ...args.slice(at + 2)];
}

/** The parts a run's manifest names, as local paths. */
export function manifestFiles(manifest: string): string[] {
  const body = JSON.parse(readFileSync(fileURLToPath(manifest), 'utf8')) as { files: Array<{ uri: string }> };
  return body.files.map((f) => fileURLToPath(f.uri));
}

export async function duckdb(): Promise<DuckDBConnection> {
  return (await DuckDBInstance.create(':memory:')).connect();
}

/** Columns of the database `crm` (DuckDB types), as the catalog declares them. */
export const TABLES = {
  accounts: [
    ['account_id', 'BIGINT', 'bigint'],
    ['name', 'VARCHAR', 'string'],
    ['tier', 'VARCHAR', 'string'],
    ['updated_at', 'TIMESTAMP', 'timestamp'],
  ],
  orders: [
    ['order_id', 'BIGINT', 'bigint'],
    ['account_id', 'BIGINT', 'bigint'],
    ['amount', 'DECIMAL(12,2)', 'decimal(12,2)'],
    ['status', 'VARCHAR', 'string'],
    ['updated_at', 'TIMESTAMP', 'timestamp'],
  ],
  tickets: [
    ['ticket_id', 'VARCHAR', 'string'],
    ['account_id', 'BIGINT', 'bigint'],
    ['subject', 'VARCHAR', 'string'],
    ['status', 'VARCHAR', 'string'],
    ['updated_at', 'TIMESTAMP', 'timestamp'],
  ],
} as const;
export type TableName = keyof typeof TABLES;

/** What each table holds: repeated keys in orders and tickets, keys missing from some tables, a few null keys. */
const CONTENT: Record<TableName, string> = {
  accounts: `SELECT i AS account_id, 'acct ' || i AS name, CASE i % 3 WHEN 0 THEN 'gold' ELSE 'silver' END AS tier,
    TIMESTAMP '2026-12-01 00:00:00' + INTERVAL (i) MINUTE AS updated_at FROM range(1, 201) t(i) WHERE i % 7 <> 0`,
  orders: `SELECT i AS order_id, CASE WHEN i % 50 = 0 THEN NULL ELSE (i * 13) % 250 END AS account_id,
    CAST(i * 1.25 AS DECIMAL(12,2)) AS amount, CASE i % 2 WHEN 0 THEN 'placed' ELSE 'shipped' END AS status,
    TIMESTAMP '2026-12-02 00:00:00' + INTERVAL (i) SECOND AS updated_at FROM range(0, 400) t(i)`,
  tickets: `SELECT 'T-' || i AS ticket_id, CASE WHEN i % 61 = 0 THEN NULL ELSE (i * 7) % 230 END AS account_id,
    'subject ' || i AS subject, CASE i % 3 WHEN 0 THEN 'closed' ELSE 'open' END AS status,
    TIMESTAMP '2026-12-03 00:00:00' + INTERVAL (i) SECOND AS updated_at FROM range(0, 300) t(i)`,
};

export const tablePath = (root: string, table: TableName) => join(root, 'data', table, 'part-0.parquet');

/** Writes the three tables as Parquet with DuckDB and registers them in the file catalog under `<root>/local`; the job's data args. */
export async function makeDatabase(duck: DuckDBConnection, root: string): Promise<string[]> {
  const catalog = new FileCatalog(store, join(root, 'local', 'catalog'));
  for (const table of Object.keys(TABLES) as TableName[]) {
    mkdirSync(join(root, 'data', table), { recursive: true });
    await duck.run(`COPY (${CONTENT[table]}) TO '${tablePath(root, table)}' (FORMAT parquet)`);
    await catalog.upsertTable({
      database: 'crm',
      name: table,
      format: 'parquet',
      location: `${pathToFileURL(join(root, 'data', table)).href}/`,
      columns: TABLES[table].map(([name, , type]) => ({ name, type })),
      partitionKeys: [],
    });
  }
  return [
    '--database_name',
    'crm',
    '--timestamp_s3_path',
    join(root, 'state', 'last_load_timestamp.csv'),
    '--output_path',
    join(root, 'out'),
    '--temp_dir',
    root,
  ];
}

/** Rewrites one table's file through a DuckDB query over it (`SELECT … FROM t`). */
export async function rewriteTable(duck: DuckDBConnection, root: string, table: TableName, select: string): Promise<void> {
  const path = tablePath(root, table);
  await duck.run(`COPY (${select.replace(/\bFROM t\b/, `FROM read_parquet('${path}')`)}) TO '${path}.new' (FORMAT parquet)`);
  renameSync(`${path}.new`, path);
}

/**
 * DuckDB's join of the tables as the README defines the output: rows with a null key left out (they
 * go to the rejects), `USING (account_id)` (the key coalesced), columns named in more than one table
 * prefixed with the table's name; every value as text, rows sorted.
 */
export async function expectedRows(
  duck: DuckDBConnection,
  root: string,
  type: 'inner' | 'left' | 'full',
  where = 'true',
): Promise<string[]> {
  const names = Object.keys(TABLES) as TableName[];
  const count = (column: string) => names.filter((t) => TABLES[t].some(([c]) => c === column)).length;
  const select = ['CAST(account_id AS VARCHAR)'];
  for (const t of names)
    for (const [column] of TABLES[t])
      if (column !== 'account_id') select.push(`CAST(${t}.${column} AS VARCHAR) AS ${count(column) > 1 ? `${t}__${column}` : column}`);
  const from = (t: TableName) => `(SELECT * FROM read_parquet('${tablePath(root, t)}') WHERE account_id IS NOT NULL) ${t}`;
  const join = type === 'inner' ? 'JOIN' : type === 'left' ? 'LEFT JOIN' : 'FULL JOIN';
  const sql = `SELECT ${select.join(', ')} FROM ${from('accounts')} ${join} ${from('orders')} USING (account_id) ${join} ${from('tickets')} USING (account_id) WHERE ${where}`;
  return sorted(duck, sql);
}

/** The rows a run published, every value as text, as DuckDB reads its Parquet parts. */
export async function publishedRows(duck: DuckDBConnection, manifest: string, columns: readonly string[]): Promise<string[]> {
  return parquetRows(duck, manifestFiles(manifest), columns);
}

/**
 * Rows of local Parquet files, every value as text, as DuckDB reads them. `latestPerKey`: only each
 * key's rows of the latest run holding it, by the README's Athena query (`run_id` from the folder names).
 */
export async function parquetRows(
  duck: DuckDBConnection,
  paths: readonly string[],
  columns: readonly string[],
  latestPerKey = false,
): Promise<string[]> {
  const read = `read_parquet([${paths.map((f) => `'${f}'`).join(', ')}]${latestPerKey ? ', hive_partitioning = true' : ''})`;
  const files = latestPerKey
    ? `(SELECT * FROM (SELECT j.*, rank() OVER (PARTITION BY account_id ORDER BY run_id DESC) AS run_rank FROM ${read} j) WHERE run_rank = 1)`
    : read;
  // The table reader types a catalog `timestamp` as UTC instants (TIMESTAMPTZ in the files): the same values as the sources' TIMESTAMP.
  const types = new Map((await duck.runAndReadAll(`DESCRIBE SELECT * FROM ${files}`)).getRows().map((r) => [String(r[0]), String(r[1])]));
  const text = (c: string) =>
    types.get(c) === 'TIMESTAMP WITH TIME ZONE' ? `CAST(CAST(${c} AS TIMESTAMP) AS VARCHAR)` : `CAST(${c} AS VARCHAR)`;
  return sorted(duck, `SELECT ${columns.map(text).join(', ')} FROM ${files}`);
}

async function sorted(duck: DuckDBConnection, sql: string): Promise<string[]> {
  const rows = (await duck.runAndReadAll(sql)).getRows();
  return rows.map((r) => JSON.stringify(r)).sort();
}
