import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createObjectStore } from '@etl/object-store';
import { PgliteWarehouse } from '@etl/warehouse';
import { logLines, repoRoot, runBundled, type Finished } from './run-bundled.js';

const work = mkdtempSync(join(tmpdir(), 'e2e-shards-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const shardEnv = (index: number) => ({ AWS_BATCH_JOB_ARRAY_INDEX: String(index), AWS_BATCH_JOB_ARRAY_SIZE: '2' });

interface Report {
  outcome: string;
  shard?: { index: number; size: number };
  figures?: { files?: Array<{ file: string; status: string }>; tables?: Array<{ table: string }> };
}

/** The report of the run a bundled pipeline just finished in `cwd` (named on its last log line). */
function reportOf(run: Finished, cwd = work): Report {
  expect(run.code, run.stdout + run.stderr).toBe(0);
  const uri = logLines(run.stdout).find((l) => typeof l['report'] === 'string')?.['report'] as string;
  return JSON.parse(readFileSync(resolve(cwd, uri.replace(/^file:\/\//, '')), 'utf8')) as Report;
}

/** Six daily files under one prefix, distinct keys each; 15 rows per file. */
function landFiles(folder: string): string[] {
  mkdirSync(folder, { recursive: true });
  const names = [1, 2, 3, 4, 5, 6].map((n) => `orders-${n}.csv`);
  for (const [i, name] of names.entries()) {
    const rows = Array.from({ length: 15 }, (_, r) => `${i * 100 + r + 1},${(r * 7) % 13}.50,day ${i + 1}`);
    writeFileSync(join(folder, name), `order_id,amount,note\n${rows.join('\n')}\n`);
  }
  return names;
}

describe('AWS Batch array jobs: shards of one run, each its own process', () => {
  it('csv-to-redshift: two shards load every file under the prefix exactly once, into the table one whole run loads', async () => {
    // One --local_dir (one embedded warehouse): the shards load one table, a whole run of the same files another.
    const localDir = join(work, 'state');
    const load = (landing: string, table: string) => [
      '--source',
      `${join(work, landing)}/`,
      '--target_table',
      `public.${table}`,
      '--upsert_keys',
      'order_id',
      '--local_dir',
      localDir,
    ];
    // Each landing folder archives to its own sibling archive/ (sharded/archive/, whole/archive/).
    const names = landFiles(join(work, 'sharded', 'landing'));
    landFiles(join(work, 'whole', 'landing'));

    // One after the other, as Batch may run them: shard 0 archives its files before shard 1 lists the prefix.
    const first = reportOf(await runBundled('csv-to-redshift', load('sharded/landing', 'orders'), { cwd: work, env: shardEnv(0) }));
    const second = reportOf(await runBundled('csv-to-redshift', load('sharded/landing', 'orders'), { cwd: work, env: shardEnv(1) }));
    const unsharded = reportOf(await runBundled('csv-to-redshift', load('whole/landing', 'orders_whole'), { cwd: work }));
    expect(first.shard).toEqual({ index: 0, size: 2 });
    expect(second.shard).toEqual({ index: 1, size: 2 });
    expect(unsharded.shard).toBeUndefined();

    const loadedBy = (report: Report) => (report.figures?.files ?? []).map((f) => f.file.slice(f.file.lastIndexOf('/') + 1));
    expect(loadedBy(first).length).toBeGreaterThan(0); // both shards had work: the split is tested, not one shard doing it all
    expect(loadedBy(second).length).toBeGreaterThan(0);
    expect([...loadedBy(first), ...loadedBy(second)].sort()).toEqual(names);
    expect(loadedBy(unsharded).sort()).toEqual(names);
    expect(readdirSync(join(work, 'sharded', 'landing'))).toEqual([]); // every file archived, by one shard or the other

    const warehouse = await PgliteWarehouse.open({ dataDir: join(localDir, 'warehouse'), objects: createObjectStore() });
    try {
      // One SUCCESS audit row per file between the two shards, and the same rows as the whole run's table.
      const audit = await warehouse.query(
        "SELECT source_filename, count(*) FROM public.job_sts WHERE status = 'SUCCESS' AND source_filename LIKE '%/sharded/%' GROUP BY 1 ORDER BY 1",
      );
      expect(audit.rows.map(([file, count]) => [String(file).split('/').pop(), count])).toEqual(names.map((name) => [name, 1]));
      const rowsOf = async (table: string) =>
        (await warehouse.query(`SELECT order_id, amount, note FROM public.${table} ORDER BY order_id`)).rows;
      const sharded = await rowsOf('orders');
      expect(sharded).toHaveLength(90);
      expect(sharded).toEqual(await rowsOf('orders_whole'));
    } finally {
      await warehouse.close();
    }
  }, 240_000);

  it('catalog-cdc-to-parquet: two shards load every sample table once; their outputs are one whole run’s', async () => {
    // The bundled sample (no arguments): its outputs and state under the working folder's .local/.
    const sharded = join(work, 'cdc-sharded');
    const whole = join(work, 'cdc-whole');
    mkdirSync(sharded);
    mkdirSync(whole);
    const first = reportOf(await runBundled('catalog-cdc-to-parquet', [], { cwd: sharded, env: shardEnv(0) }), sharded);
    const second = reportOf(await runBundled('catalog-cdc-to-parquet', [], { cwd: sharded, env: shardEnv(1) }), sharded);
    const unsharded = reportOf(await runBundled('catalog-cdc-to-parquet', [], { cwd: whole }), whole);
    expect([first.shard, second.shard]).toEqual([
      { index: 0, size: 2 },
      { index: 1, size: 2 },
    ]);

    const tablesOf = (report: Report) => (report.figures?.tables ?? []).map((t) => t.table);
    const all = tablesOf(unsharded);
    expect(all).toEqual(['orders', 'page_views', 'products']);
    expect(tablesOf(first).length).toBeGreaterThan(0); // both shards had tables to load
    expect(tablesOf(second).length).toBeGreaterThan(0);
    expect([...tablesOf(first), ...tablesOf(second)].sort()).toEqual(all);

    const out = (dir: string) => join(dir, '.local', 'out', 'catalog-cdc-to-parquet');
    expect(readdirSync(out(sharded)).sort()).toEqual(all);
    for (const table of all) {
      // changes/ and current/ (a table without a key has only changes/): the same datasets, the same rows.
      const datasets = readdirSync(join(out(whole), table)).sort();
      expect(readdirSync(join(out(sharded), table)).sort()).toEqual(datasets);
      expect(datasets).toContain('changes');
      for (const dataset of datasets) {
        const rows = parquetRows(join(out(sharded), table, dataset));
        expect(rows.length, `${table}/${dataset}`).toBeGreaterThan(0);
        expect(rows, `${table}/${dataset}`).toEqual(parquetRows(join(out(whole), table, dataset)));
      }
    }
  }, 120_000);
});

/** Every row of the Parquet files under a folder, as `etl cat` prints them, sorted (row order is not the point). */
function parquetRows(folder: string): string[] {
  const files = readdirSync(folder, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.parquet'));
  return files
    .flatMap((file) =>
      execFileSync(process.execPath, [`${repoRoot}packages/cli/dist/etl.mjs`, 'cat', join(folder, file)], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean),
    )
    .sort();
}
