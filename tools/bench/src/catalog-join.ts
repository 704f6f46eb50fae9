/**
 * The N-way key join (issue 25: every table joined on account_id): `@etl/spill`'s `keyJoin`, with the
 * options catalog-join-to-parquet gives it, against DuckDB on one thread running the same chain of
 * joins on the same rows, in one run, inner and left. Each scenario runs in its own child process
 * (peak RSS is per process).
 *
 *   npx nx run bench:catalog-join                                  # 3 tables x 2 M rows, inner and left
 *   npx nx run bench:catalog-join -- --rows 400000                 # a quick check
 *   npx nx run bench:catalog-join -- --types inner --memory-mb 192 --temp-dir /mnt/scratch
 *
 * Rows are a pure function of their number `i`, computed the same way in JavaScript and in SQL (no file
 * between them: a file would time its reader, not the join):
 * - accounts: `account_id = i` (N keys), name, region, created_at;
 * - orders: `account_id = (i * m) mod N/2` (every key of the first half twice: fan-out 2), order_id = i,
 *   amount, status, updated_at;
 * - tickets: `account_id = (i * m') mod 3N/2` (two thirds of the accounts, once each), ticket_id = i,
 *   priority, subject.
 * Inner keeps the accounts in all three (N/3 keys, 2N/3 rows); left every account (3N/2 rows). Output
 * rows are `[account_id, ...accounts, ...orders, ...tickets]`; DuckDB materialises the same columns as a
 * table. Both results are checked to be the same rows: count and sum of order_id and ticket_id.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { peakRssBytes } from '@etl/core';
import type { Value } from '@etl/schema';
import { keyJoin, type KeyJoinInput } from '@etl/spill';
import { option } from './bench-args.js';

const MiB = 1024 * 1024;
const GOALS = { vsDuckDb: 0.5, peakRssMb: 512 };
const TYPES = ['inner', 'left'] as const;
type JoinType = (typeof TYPES)[number];
type Scenario = 'ours' | 'duckdb' | 'generate';

interface Result {
  scenario: Scenario;
  type: JoinType;
  rows: number;
  rowsOut: number;
  /** Sum of order_id and ticket_id over the output (nulls as 0): with `rowsOut`, tells the same rows from different ones. */
  idSum: number;
  seconds: number;
  peakRssBytes: number;
  spilledRows?: number;
  partitions?: number;
}

const BATCH_ROWS = 4096;
/** 2026-12-07 00:00:00 UTC in microseconds. */
const BASE_MICROS = 1_796_601_600_000_000n;
const REGIONS = ['eu', 'us', 'ap'];
const STATUSES = ['new', 'paid', 'shipped', 'returned', 'cancelled'];

/** A multiplier coprime to `n`, so `i * m mod n` visits every value once in `n` steps. */
function multiplier(n: number, from: number): number {
  let m = from;
  while (gcd(m, n) !== 1) m += 2;
  return m;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

interface Sizes {
  rows: number;
  orderKeys: number;
  ticketKeys: number;
  mOrders: number;
  mTickets: number;
}

function sizes(rows: number): Sizes {
  const orderKeys = Math.max(1, Math.floor(rows / 2));
  const ticketKeys = Math.floor((rows * 3) / 2);
  return { rows, orderKeys, ticketKeys, mOrders: multiplier(orderKeys, 1_000_003), mTickets: multiplier(ticketKeys, 2_000_003) };
}

function* table(name: 'accounts' | 'orders' | 'tickets', s: Sizes): Generator<Value[][]> {
  for (let start = 0; start < s.rows; start += BATCH_ROWS) {
    const batch: Value[][] = [];
    for (let i = start; i < Math.min(s.rows, start + BATCH_ROWS); i++) {
      if (name === 'accounts') batch.push([i, `account ${i}`, REGIONS[i % 3] as string, BASE_MICROS + BigInt(i % 86_400) * 1_000_000n]);
      else if (name === 'orders')
        batch.push([i, (i * s.mOrders) % s.orderKeys, (i % 100_000) / 100, STATUSES[i % 5] as string, BASE_MICROS + BigInt(i) * 1000n]);
      else batch.push([i, (i * s.mTickets) % s.ticketKeys, i % 4, `ticket ${i % 1000} about order ${i}`]);
    }
    yield batch;
  }
}

/** The same three tables in SQL (DuckDB's `range`), joined as the chain `keyJoin` computes. */
function duckJoin(type: JoinType, s: Sizes): string {
  const join = type === 'inner' ? 'JOIN' : 'LEFT JOIN';
  return `WITH accounts AS (SELECT i AS account_id, 'account ' || i AS name, (['eu', 'us', 'ap'])[(i % 3) + 1] AS region,
        TIMESTAMP '2026-12-07 00:00:00' + to_seconds(i % 86400) AS created_at FROM range(${s.rows}) t(i)),
    orders AS (SELECT i AS order_id, (i * ${s.mOrders}) % ${s.orderKeys} AS account_id, (i % 100000) / 100 AS amount,
        (['new', 'paid', 'shipped', 'returned', 'cancelled'])[(i % 5) + 1] AS status,
        TIMESTAMP '2026-12-07 00:00:00' + to_microseconds(i * 1000) AS updated_at FROM range(${s.rows}) t(i)),
    tickets AS (SELECT i AS ticket_id, (i * ${s.mTickets}) % ${s.ticketKeys} AS account_id, i % 4 AS priority,
        'ticket ' || (i % 1000) || ' about order ' || i AS subject FROM range(${s.rows}) t(i))
    SELECT a.account_id, a.account_id AS a_id, a.name, a.region, a.created_at,
      o.order_id, o.account_id AS o_account, o.amount, o.status, o.updated_at,
      t.ticket_id, t.account_id AS t_account, t.priority, t.subject
    FROM accounts a ${join} orders o ON o.account_id = a.account_id ${join} tickets t ON t.account_id = a.account_id`;
}

async function runScenario(scenario: Scenario, type: JoinType, rows: number): Promise<Result> {
  const s = sizes(rows);
  const started = performance.now();
  let rowsOut = 0;
  let idSum = 0;
  const done = (extra: Partial<Result> = {}): Result => ({
    scenario,
    type,
    rows,
    rowsOut,
    idSum,
    seconds: (performance.now() - started) / 1000,
    peakRssBytes: peakRssBytes(),
    ...extra,
  });
  switch (scenario) {
    case 'generate':
      for (const name of ['accounts', 'orders', 'tickets'] as const)
        for (const batch of table(name, s)) {
          rowsOut += batch.length;
          for (const row of batch) idSum += row[0] as number;
        }
      return done();
    case 'ours': {
      // As catalog-join-to-parquet calls it (job.ts): one input per table, the key column normalised.
      const input = (name: 'accounts' | 'orders' | 'tickets', keyColumn: number, columns: number): KeyJoinInput => ({
        name,
        rows: table(name, s),
        keyColumn,
        columns,
      });
      const joined = keyJoin([input('accounts', 0, 4), input('orders', 1, 5), input('tickets', 1, 4)], {
        type,
        memoryBytes: Number(option('memory-mb', '192')) * MiB,
        partitions: Number(option('partitions', '64')),
        batchRows: Number(option('batch-rows', '4096')),
        tempDir: option('temp-dir') ?? tmpdir(),
      });
      for await (const batch of joined) {
        rowsOut += batch.length;
        for (const row of batch) idSum += ((row[5] as number | null) ?? 0) + ((row[10] as number | null) ?? 0);
      }
      return done({ spilledRows: joined.counts.spilledRows, partitions: joined.counts.partitions });
    }
    case 'duckdb': {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const db = await DuckDBInstance.create(':memory:', { threads: '1' });
      const connection = await db.connect();
      await connection.run(`CREATE TABLE joined AS ${duckJoin(type, s)}`);
      const reader = await connection.runAndReadAll(
        `SELECT count(*)::DOUBLE AS n, (coalesce(sum(order_id), 0) + coalesce(sum(ticket_id), 0))::DOUBLE AS s FROM joined`,
      );
      const result = reader.getRowObjectsJS()[0] ?? {};
      rowsOut = Number(result['n']);
      idSum = Number(result['s']);
      connection.closeSync();
      return done();
    }
  }
}

async function child(scenario: Scenario, type: JoinType, rows: number, tempDir: string): Promise<Result> {
  const passOn = ['memory-mb', 'partitions', 'batch-rows'].flatMap((name) =>
    option(name) === undefined ? [] : [`--${name}`, option(name) as string],
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [process.argv[1] as string, '--child', scenario, type, String(rows), '--temp-dir', tempDir, ...passOn],
    { maxBuffer: 16 * MiB },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string) as Result;
}

if (process.argv[2] === '--child') {
  const [scenario, type, rows] = process.argv.slice(3) as [Scenario, JoinType, string];
  process.stdout.write(`${JSON.stringify(await runScenario(scenario, type, Number(rows)))}\n`);
  process.exit(0);
}

const rows = Number(option('rows', '2000000'));
const types = option('types', TYPES.join(',')).split(',') as JoinType[];
if (!(rows >= 2) || types.some((t) => !TYPES.includes(t))) {
  console.error(
    `usage: catalog-join [--rows N per table] [--types ${TYPES.join(',')}] [--memory-mb M] [--partitions P] [--batch-rows R] [--temp-dir D]`,
  );
  process.exit(2);
}
const tempDir = mkdtempSync(join(option('temp-dir') ?? tmpdir(), 'bench-catalog-join-'));
const missed: string[] = [];
console.log(
  `key join of 3 tables, ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${(await import('node:os')).cpus().length} cores; ${rows.toLocaleString('en-US')} rows per table; ours with memoryBytes ${option('memory-mb', '192')} MiB, DuckDB with threads=1`,
);
const HEADER = `${'scenario'.padEnd(10)} ${'rows out'.padStart(10)} ${'seconds'.padStart(8)} ${'rows in/s'.padStart(11)} ${'RSS MiB'.padStart(8)}  spilled rows / files`;
const line = (r: Result) =>
  `${r.scenario.padEnd(10)} ${r.rowsOut.toLocaleString('en-US').padStart(10)} ${r.seconds.toFixed(1).padStart(8)} ${Math.round(
    (3 * r.rows) / r.seconds,
  )
    .toLocaleString('en-US')
    .padStart(
      11,
    )} ${(r.peakRssBytes / MiB).toFixed(0).padStart(8)}  ${r.spilledRows === undefined ? '' : `${r.spilledRows.toLocaleString('en-US')} / ${r.partitions}`}`;
try {
  for (const type of types) {
    // DuckDB and ours side by side, so both see the same phase of a shared machine.
    const ours = await child('ours', type, rows, tempDir);
    const duck = await child('duckdb', type, rows, tempDir);
    const generated = await child('generate', type, rows, tempDir);
    console.log(`\n${type}`);
    console.log(HEADER);
    for (const r of [ours, duck]) console.log(line(r));
    console.log(line({ ...generated, rowsOut: generated.rowsOut }));
    const speed = duck.seconds / ours.seconds;
    const joinOnly = duck.seconds / Math.max(0.001, ours.seconds - generated.seconds);
    console.log(`ours / DuckDB 1 thread: ${speed.toFixed(2)}x speed (join alone, generator time taken out: ${joinOnly.toFixed(2)}x)`);
    const same = ours.rowsOut === duck.rowsOut && ours.idSum === duck.idSum;
    console.log(
      `verify: ${same ? `the same ${ours.rowsOut.toLocaleString('en-US')} joined rows as DuckDB` : `DIFFER: ours ${ours.rowsOut} rows (id sum ${ours.idSum}) vs DuckDB ${duck.rowsOut} (${duck.idSum})`}`,
    );
    if (!same) missed.push(`${type}: result differs from DuckDB's`);
    if (speed < GOALS.vsDuckDb) missed.push(`${type}: ${speed.toFixed(2)}x DuckDB (goal ${GOALS.vsDuckDb}x)`);
    if (ours.peakRssBytes / MiB > GOALS.peakRssMb)
      missed.push(`${type}: peak RSS ${(ours.peakRssBytes / MiB).toFixed(0)} MiB (goal <= ${GOALS.peakRssMb})`);
  }
} finally {
  rmSync(tempDir, { recursive: true, force: true });
}
console.log(missed.length === 0 ? '\ngoals: all met' : `\ngoals missed:\n  ${missed.join('\n  ')}`);
if (missed.length > 0) process.exitCode = 1;
