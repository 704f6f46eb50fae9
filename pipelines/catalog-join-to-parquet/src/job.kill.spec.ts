import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdb, makeDatabase, publishedRows, rewriteTable, run } from './job.harness.js';

const project = new URL('..', import.meta.url).pathname;
const harness = join(project, 'dist', 'test', 'kill-at.mjs');
const work = mkdtempSync(join(tmpdir(), 'catalog-join-kill-'));
let duck: DuckDBConnection;

beforeAll(async () => {
  duck = await duckdb();
  // The harness is bundled as main.mjs is: workspace code inlined, npm packages from node_modules.
  await promisify(execFile)(
    process.execPath,
    [join(project, '../../tools/bundle.mjs'), 'src/kill-at.harness.ts', harness, '--external-packages'],
    {
      cwd: project,
    },
  );
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Accounts 10-30 amended, and two tickets of accounts 35 and 42 reworded. */
async function addChanges(root: string): Promise<void> {
  await rewriteTable(
    duck,
    root,
    'accounts',
    `SELECT account_id, CASE WHEN account_id BETWEEN 10 AND 30 THEN name || ' (renamed)' ELSE name END AS name, tier,
      CASE WHEN account_id BETWEEN 10 AND 30 THEN TIMESTAMP '2026-12-08 00:00:00' ELSE updated_at END AS updated_at FROM t`,
  );
  await rewriteTable(
    duck,
    root,
    'tickets',
    `SELECT ticket_id, account_id, CASE WHEN ticket_id IN ('T-5', 'T-6') THEN 'reworded' ELSE subject END AS subject, status,
      CASE WHEN ticket_id IN ('T-5', 'T-6') THEN TIMESTAMP '2026-12-08 00:00:01' ELSE updated_at END AS updated_at FROM t`,
  );
}

function runKilled(
  args: string[],
  op: 'get' | 'put',
  at: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const child = spawn(process.execPath, [harness, ...args], {
    env: { PATH: process.env['PATH'] ?? '', KILL_OP: op, KILL_AT: at },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, output })));
}

const timestamps = (root: string) => {
  const path = join(root, 'state', 'last_load_timestamp.csv');
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
};

/** Every run folder with a manifest: its rows (each file read whole), by run. */
async function published(root: string, columns: readonly string[]): Promise<string[][]> {
  const out = join(root, 'out');
  const runs: string[][] = [];
  for (const date of existsSync(out) ? readdirSync(out) : [])
    for (const folder of readdirSync(join(out, date))) {
      const manifest = join(out, date, folder, '_manifest.json');
      if (existsSync(manifest)) runs.push(await publishedRows(duck, pathToFileURL(manifest).href, columns));
    }
  return runs;
}

describe('catalog-join-to-parquet killed outright (SIGKILL), then run again', () => {
  const reference: {
    full: string[];
    incremental: string[];
    timestamps: string | undefined;
    afterFull: string | undefined;
    columns: string[];
  } = {
    full: [],
    incremental: [],
    timestamps: undefined,
    afterFull: undefined,
    columns: [],
  };

  beforeAll(async () => {
    const root = join(work, 'reference');
    const args = await makeDatabase(duck, root);
    const full = await run(join(root, 'local'), ...args, '--join_type', 'full');
    expect(full.code, full.output).toBe(0);
    reference.columns = full.report.figures.columns;
    reference.full = await publishedRows(duck, full.report.figures.manifest as string, reference.columns);
    reference.afterFull = timestamps(root);
    await addChanges(root);
    const incremental = await run(join(root, 'local'), ...args, '--join_type', 'full');
    expect(incremental.code, incremental.output).toBe(0);
    reference.incremental = await publishedRows(duck, incremental.report.figures.manifest as string, reference.columns);
    expect(incremental.report.figures.keysOut).toBe(18 + 2); // accounts 10-30 but 14, 21 and 28 (none), and 35, 42
    reference.timestamps = timestamps(root);
  }, 120_000);

  it('killed while writing the full load: nothing published, no timestamp file; the rerun is the full load', async () => {
    const root = join(work, 'full-killed');
    const args = [...(await makeDatabase(duck, root)), '--join_type', 'full', '--local_dir', join(root, 'local')];
    const killed = await runKilled(args, 'put', '/out/load_date=[^/]+/run_id=[^/]+/part-');
    expect(killed.signal, killed.output).toBe('SIGKILL');
    expect(timestamps(root)).toBeUndefined();
    expect(await published(root, reference.columns)).toEqual([]);
    const rerun = await run(join(root, 'local'), ...args.slice(0, -2));
    expect(rerun.code, rerun.output).toBe(0);
    expect(await published(root, reference.columns)).toEqual([reference.full]);
    expect(timestamps(root)).toBe(reference.afterFull);
  }, 60_000);

  const points: Array<[string, 'get' | 'put', string]> = [
    ['while reading a table', 'get', '/data/tickets/part-0\\.parquet$'],
    ['while writing a Parquet part', 'put', '/out/load_date=[^/]+/run_id=[^/]+/part-'],
    ['after the parts, before the manifest', 'put', '/out/load_date=[^/]+/run_id=[^/]+/_manifest\\.json$'],
    ['after the manifest, before the timestamp file', 'put', '/state/last_load_timestamp\\.csv$'],
  ];
  it.each(points)(
    'incremental run killed %s: the timestamp file is never ahead of published data, and the rerun publishes what an uninterrupted run does',
    async (name, op, at) => {
      const root = join(work, name.replace(/\W+/g, '-'));
      const args = [...(await makeDatabase(duck, root)), '--join_type', 'full'];
      expect((await run(join(root, 'local'), ...args)).code).toBe(0);
      const before = timestamps(root);
      await addChanges(root);

      const killed = await runKilled([...args, '--local_dir', join(root, 'local')], op, at);
      expect(killed.signal, killed.output).toBe('SIGKILL');
      expect(timestamps(root)).toBe(before);
      const afterKill = await published(root, reference.columns);
      // The full load, and the killed run's output only when its manifest was written (then whole).
      expect(afterKill).toEqual(at.includes('last_load_timestamp') ? [reference.full, reference.incremental] : [reference.full]);

      const rerun = await run(join(root, 'local'), ...args);
      expect(rerun.code, rerun.output).toBe(0);
      expect(await publishedRows(duck, rerun.report.figures.manifest as string, reference.columns)).toEqual(reference.incremental);
      expect(timestamps(root)).toBe(reference.timestamps);
    },
    60_000,
  );
});
