/**
 * Latest-row dedup (issue 23: one row per primary key, the greatest `updated_at` winning, the row read
 * last on a tie): `@etl/spill`'s `dedupLatest` against DuckDB on one thread running
 * `QUALIFY row_number() OVER (PARTITION BY key ORDER BY updated_at DESC, seq DESC) = 1` on the same
 * rows, in one run. Each scenario runs in its own child process (peak RSS is per process).
 *
 *   npx nx run bench:cdc-dedup                                   # 10 M rows, 7 M keys, both shapes
 *   npx nx run bench:cdc-dedup -- --rows 200000 --keys 140000   # a quick check
 *   npx nx run bench:cdc-dedup -- --shapes narrow --memory-mb 192 --partitions 64 --temp-dir /mnt/scratch
 *
 * The rows are a pure function of their number `i`, computed the same way in JavaScript and in SQL,
 * so both sides see the same data without a file between them (a file would time its reader, not the
 * dedup). Row `i` has key `(i * 1000003) mod keys` (every key once in the first `keys` rows, then again),
 * `seq = i`, an `updated_at` with ties (every 7th row at one instant) and nulls (every 101st row).
 * - narrow: `id int` key, `updated_at timestamp`, `seq`, `amount double`, `status varchar`;
 * - wide: composite key `(tenant varchar, order_ref varchar)`, `updated_at`, `seq`, three text columns.
 * `generate` runs the JavaScript generator alone (rows made and dropped): the part of ours that is not
 * the dedup. DuckDB materialises its result as a table, so it computes every column too.
 * Both results are checked to be the same rows: count and sum of `seq` of the winners.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { peakRssBytes } from '@etl/core';
import type { Value } from '@etl/schema';
import { dedupLatest } from '@etl/spill';
import { option } from './bench-args.js';

const MiB = 1024 * 1024;
const GOALS = { vsDuckDb: 0.5, peakRssMb: 512 };
const SHAPES = ['narrow', 'wide'] as const;
type Shape = (typeof SHAPES)[number];
type Scenario = 'ours' | 'duckdb' | 'generate';

interface Result {
  scenario: Scenario;
  shape: Shape;
  rows: number;
  rowsOut: number;
  /** Sum of the winners' `seq`: with `rowsOut`, tells the same rows from different ones. */
  seqSum: number;
  seconds: number;
  peakRssBytes: number;
  spilledRows?: number;
  partitions?: number;
}

/** 2026-12-07 00:00:00 UTC in microseconds. */
const BASE_MICROS = 1_796_601_600_000_000n;
const BATCH_ROWS = 4096;

/** A multiplier coprime to `keys`, so `i * m mod keys` visits every key once in the first `keys` rows. */
function multiplier(keys: number): number {
  let m = 1_000_003;
  while (gcd(m, keys) !== 1) m += 2;
  return m;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** `updated_at` of row `i` in seconds after BASE, null every 101st row, one instant every 7th (ties). */
function updatedSeconds(i: number): number | null {
  if (i % 101 === 0) return null;
  if (i % 7 === 0) return 0;
  return (i * 48271) % 65536;
}

const STATUSES = ['new', 'paid', 'shipped', 'returned', 'cancelled'];

function* generate(shape: Shape, rows: number, keys: number): Generator<Value[][]> {
  const m = multiplier(keys);
  for (let start = 0; start < rows; start += BATCH_ROWS) {
    const batch: Value[][] = [];
    for (let i = start; i < Math.min(rows, start + BATCH_ROWS); i++) {
      const key = (i * m) % keys;
      const seconds = updatedSeconds(i);
      const updatedAt = seconds === null ? null : BASE_MICROS + BigInt(seconds) * 1_000_000n;
      if (shape === 'narrow') batch.push([key, updatedAt, i, (i % 100_000) / 100, STATUSES[i % 5] as string]);
      else
        batch.push([
          `tenant-${key % 997}`,
          `ORD-${key}`,
          updatedAt,
          i,
          `shipping note ${i % 1000} for order ${key}`,
          `customer ${key % 50_000} / campaign ${i % 37}`,
          `free text ${i}`,
        ]);
    }
    yield batch;
  }
}

/** The same rows in SQL (DuckDB's `range`), for `CREATE TABLE … AS SELECT … QUALIFY`. */
function duckSource(shape: Shape, rows: number, keys: number): string {
  const m = multiplier(keys);
  const key = `((i * ${m}) % ${keys})`;
  const updatedAt = `CASE WHEN i % 101 = 0 THEN NULL WHEN i % 7 = 0 THEN TIMESTAMP '2026-12-07 00:00:00' ELSE TIMESTAMP '2026-12-07 00:00:00' + to_seconds((i * 48271) % 65536) END`;
  const status = `(['new', 'paid', 'shipped', 'returned', 'cancelled'])[(i % 5) + 1]`;
  const columns =
    shape === 'narrow'
      ? `${key}::INTEGER AS id, ${updatedAt} AS updated_at, i AS seq, (i % 100000) / 100 AS amount, ${status} AS status`
      : `'tenant-' || (${key} % 997) AS tenant, 'ORD-' || ${key} AS order_ref, ${updatedAt} AS updated_at, i AS seq,
         'shipping note ' || (i % 1000) || ' for order ' || ${key} AS note,
         'customer ' || (${key} % 50000) || ' / campaign ' || (i % 37) AS customer, 'free text ' || i AS text`;
  const partition = shape === 'narrow' ? 'id' : 'tenant, order_ref';
  return `SELECT * FROM (SELECT ${columns} FROM range(${rows}) t(i))
    QUALIFY row_number() OVER (PARTITION BY ${partition} ORDER BY updated_at DESC NULLS LAST, seq DESC) = 1`;
}

async function runScenario(scenario: Scenario, shape: Shape, rows: number, keys: number): Promise<Result> {
  const started = performance.now();
  let rowsOut = 0;
  let seqSum = 0;
  const seqColumn = shape === 'narrow' ? 2 : 3;
  const done = (extra: Partial<Result> = {}): Result => ({
    scenario,
    shape,
    rows,
    rowsOut,
    seqSum,
    seconds: (performance.now() - started) / 1000,
    peakRssBytes: peakRssBytes(),
    ...extra,
  });
  switch (scenario) {
    case 'generate':
      for (const batch of generate(shape, rows, keys)) {
        rowsOut += batch.length;
        for (const row of batch) seqSum += row[seqColumn] as number;
      }
      return done();
    case 'ours': {
      const tempDir = option('temp-dir') ?? tmpdir();
      const dedup = dedupLatest(generate(shape, rows, keys), {
        keyColumns: shape === 'narrow' ? [0] : [0, 1],
        orderColumn: shape === 'narrow' ? 1 : 2,
        memoryBytes: Number(option('memory-mb', '192')) * MiB,
        partitions: Number(option('partitions', '64')),
        tempDir,
      });
      for await (const batch of dedup) {
        rowsOut += batch.length;
        for (const row of batch) seqSum += row[seqColumn] as number;
      }
      return done({ spilledRows: dedup.counts.spilledRows, partitions: dedup.counts.partitions });
    }
    case 'duckdb': {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const db = await DuckDBInstance.create(':memory:', { threads: '1' });
      const connection = await db.connect();
      await connection.run(`CREATE TABLE winners AS ${duckSource(shape, rows, keys)}`);
      const reader = await connection.runAndReadAll(`SELECT count(*)::DOUBLE AS n, coalesce(sum(seq), 0)::DOUBLE AS s FROM winners`);
      const result = reader.getRowObjectsJS()[0] ?? {};
      rowsOut = Number(result['n']);
      seqSum = Number(result['s']);
      connection.closeSync();
      return done();
    }
  }
}

async function child(scenario: Scenario, shape: Shape, rows: number, keys: number, tempDir: string): Promise<Result> {
  const passOn = ['memory-mb', 'partitions'].flatMap((name) => (option(name) === undefined ? [] : [`--${name}`, option(name) as string]));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [process.argv[1] as string, '--child', scenario, shape, String(rows), String(keys), '--temp-dir', tempDir, ...passOn],
    { maxBuffer: 16 * MiB },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string) as Result;
}

if (process.argv[2] === '--child') {
  const [scenario, shape, rows, keys] = process.argv.slice(3) as [Scenario, Shape, string, string];
  process.stdout.write(`${JSON.stringify(await runScenario(scenario, shape, Number(rows), Number(keys)))}\n`);
  process.exit(0);
}

const rows = Number(option('rows', '10000000'));
const keys = Number(option('keys', String(Math.round(rows * 0.7))));
const shapes = option('shapes', SHAPES.join(',')).split(',') as Shape[];
if (!(rows > 0 && keys > 0 && keys <= rows) || shapes.some((s) => !SHAPES.includes(s))) {
  console.error(
    `usage: cdc-dedup [--rows N] [--keys K <= N] [--shapes ${SHAPES.join(',')}] [--memory-mb M] [--partitions P] [--temp-dir D]`,
  );
  process.exit(2);
}
const tempDir = mkdtempSync(join(option('temp-dir') ?? tmpdir(), 'bench-cdc-dedup-'));
const missed: string[] = [];
console.log(
  `latest-row dedup, ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${(await import('node:os')).cpus().length} cores; ${rows.toLocaleString('en-US')} rows, ${keys.toLocaleString('en-US')} keys; ours with memoryBytes ${option('memory-mb', '192')} MiB, DuckDB with threads=1`,
);
const HEADER = `${'scenario'.padEnd(10)} ${'rows out'.padStart(10)} ${'seconds'.padStart(8)} ${'rows/s'.padStart(11)} ${'RSS MiB'.padStart(8)}  spilled rows / files`;
const line = (r: Result) =>
  `${r.scenario.padEnd(10)} ${r.rowsOut.toLocaleString('en-US').padStart(10)} ${r.seconds.toFixed(1).padStart(8)} ${Math.round(
    r.rows / r.seconds,
  )
    .toLocaleString('en-US')
    .padStart(
      11,
    )} ${(r.peakRssBytes / MiB).toFixed(0).padStart(8)}  ${r.spilledRows === undefined ? '' : `${r.spilledRows.toLocaleString('en-US')} / ${r.partitions}`}`;
try {
  for (const shape of shapes) {
    // DuckDB and ours side by side, so both see the same phase of a shared machine.
    const ours = await child('ours', shape, rows, keys, tempDir);
    const duck = await child('duckdb', shape, rows, keys, tempDir);
    const generated = await child('generate', shape, rows, keys, tempDir);
    console.log(`\n${shape}`);
    console.log(HEADER);
    for (const r of [ours, duck, generated]) console.log(line(r));
    const speed = duck.seconds / ours.seconds;
    const dedupOnly = duck.seconds / Math.max(0.001, ours.seconds - generated.seconds);
    console.log(`ours / DuckDB 1 thread: ${speed.toFixed(2)}x speed (dedup alone, generator time taken out: ${dedupOnly.toFixed(2)}x)`);
    const same = ours.rowsOut === duck.rowsOut && ours.seqSum === duck.seqSum;
    console.log(
      `verify: ${same ? `the same ${ours.rowsOut.toLocaleString('en-US')} winners as DuckDB` : `DIFFER: ours ${ours.rowsOut} rows (seq sum ${ours.seqSum}) vs DuckDB ${duck.rowsOut} (${duck.seqSum})`}`,
    );
    if (!same) missed.push(`${shape}: result differs from DuckDB's`);
    if (speed < GOALS.vsDuckDb) missed.push(`${shape}: ${speed.toFixed(2)}x DuckDB (goal ${GOALS.vsDuckDb}x)`);
    if (ours.peakRssBytes / MiB > GOALS.peakRssMb)
      missed.push(`${shape}: peak RSS ${(ours.peakRssBytes / MiB).toFixed(0)} MiB (goal <= ${GOALS.peakRssMb})`);
  }
} finally {
  rmSync(tempDir, { recursive: true, force: true });
}
console.log(missed.length === 0 ? '\ngoals: all met' : `\ngoals missed:\n  ${missed.join('\n  ')}`);
if (missed.length > 0) process.exitCode = 1;
