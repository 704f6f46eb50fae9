import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GlueCatalog } from '@etl/catalog';
import { readManifest } from '@etl/dataset';
import { startLocalAws, type LocalAws } from '@etl/local-aws';
import { createObjectStore, createS3Client, objectsBelow, type ObjectStore } from '@etl/object-store';
import { ParquetWriter } from '@etl/parquet';
import { runJob } from '@etl/runtime';
import { parseType, type Value } from '@etl/schema';
import { catalogCdcJob } from './job.js';

const project = new URL('..', import.meta.url).pathname;
const harness = join(project, 'dist', 'test', 'kill-at-register.mjs');
const local = mkdtempSync(join(tmpdir(), 'catalog-cdc-register-'));
let stack: LocalAws;
let objects: ObjectStore;
let glue: GlueCatalog;

const fields = [
  { name: 'id', type: parseType('bigint'), nullable: true },
  { name: 'updated_at', type: parseType('timestamp'), nullable: true },
];
const at = (minute: number) => BigInt(Date.parse('2026-12-01T00:00:00Z') + minute * 60_000) * 1000n;

function parquet(rows: Value[][]): Buffer {
  const writer = new ParquetWriter({ fields }, { rowGroupRows: 100 });
  const chunks: Uint8Array[] = [];
  for (const row of rows) chunks.push(...writer.appendRow(row));
  chunks.push(...writer.finish());
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  // The harness is bundled as main.mjs is (its own file: the kill spec bundles one too).
  await promisify(execFile)(
    process.execPath,
    [join(project, '../../tools/bundle.mjs'), 'src/kill-at.harness.ts', harness, '--external-packages'],
    {
      cwd: project,
    },
  );
  stack = await startLocalAws({ services: ['s3', 'glue'] });
  const s3 = createS3Client(stack.env);
  await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
  s3.destroy();
  objects = createObjectStore({ env: stack.env });
  glue = new GlueCatalog({ env: stack.env });
  await glue.upsertTable({
    database: 'shop',
    name: 'orders',
    format: 'parquet',
    location: 's3://lake/shop/orders/',
    columns: [
      { name: 'id', type: 'bigint' },
      { name: 'updated_at', type: 'timestamp' },
    ],
    partitionKeys: [],
  });
  await objects.put('s3://lake/keys/keys.csv', 'table_name,primary_key\norders,id\n');
  await objects.put('s3://lake/shop/orders/part-0.parquet', parquet([0, 1, 2].map((i) => [BigInt(i), at(i)])));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(local, { recursive: true, force: true });
});

const args = (...extra: string[]) => [
  '--athena_database_name',
  'shop',
  '--output_path',
  's3://lake/out',
  '--cdc_path',
  's3://lake/cdc',
  '--primary_key_s3_prefix',
  's3://lake/keys/',
  '--catalog_database',
  'shop_out',
  '--run_output',
  join(local, 'runs'),
  '--local_dir',
  local,
  ...extra,
];

async function run(...extra: string[]): Promise<{ code: number; output: string }> {
  let output = '';
  const sink = new Writable({ write: (chunk, _e, cb) => ((output += String(chunk)), cb()) });
  const code = await runJob(catalogCdcJob, {
    argv: args(...extra),
    env: { ...stack.env },
    stdout: sink,
    stderr: sink,
    handleSignals: false,
  });
  return { code, output };
}

function runKilled(kill: Record<string, string>): Promise<{ signal: NodeJS.Signals | null; output: string }> {
  const child = spawn(process.execPath, [harness, ...args()], {
    env: { PATH: process.env['PATH'] ?? '', ...stack.env, ...kill },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.once('close', (_code, signal) => resolve({ signal, output })));
}

/** What is published (current's generation, every changes run) and what the catalog says. */
async function published() {
  const manifest = await readManifest(objects, 's3://lake/out/orders/current');
  const runs: string[][] = [];
  for await (const { key } of objectsBelow(objects, 's3://lake/out/orders/changes/')) {
    const found = /^load_date=([^/]+)\/run_id=([^/]+)\/_manifest\.json$/.exec(key);
    if (found) runs.push([found[1] ?? '', found[2] ?? '']);
  }
  const partitions = (await glue.listPartitions('shop_out', 'orders_changes').catch(() => [])).map((p) => p.values);
  const sort = (rows: string[][]) => rows.map((r) => r.join('/')).sort();
  return {
    generation: manifest ? `${manifest.generation.replace(/\/$/, '')}/` : undefined,
    registered: (await glue.getTable('shop_out', 'orders'))?.location,
    runs: sort(runs),
    partitions: sort(partitions),
  };
}

describe('catalog-cdc-to-parquet with --catalog_database: the catalog follows what is published, whichever run published it', () => {
  it('refuses --keep_generations 1 (the generation the catalog points at would be deleted before the switch): exit 2, one line', async () => {
    const refused = await run('--keep_generations', '1');
    expect(refused.code, refused.output).toBe(2);
    expect(refused.output.split('\n').filter((l) => l.includes('--keep_generations'))).toHaveLength(1);
    expect(await objects.head('s3://lake/out/orders/current/_manifest.json')).toBeUndefined();
  });

  it('a run killed after publishing current, before registering: the rerun, with nothing new, registers its generation and changes partition', async () => {
    expect((await run()).code).toBe(0);
    const first = await published();
    expect(first.registered).toBe(first.generation);
    expect(first.partitions).toEqual(first.runs);
    expect(first.runs).toHaveLength(1);

    await objects.put(
      's3://lake/shop/orders/part-1.parquet',
      parquet([
        [1n, at(10)],
        [3n, at(11)],
      ]),
    );
    const manifest = '/out/orders/current/_manifest\\.json$';
    const killed = await runKilled({ KILL_OP: 'get', KILL_AT: manifest, KILL_AFTER: manifest });
    expect(killed.signal, killed.output).toBe('SIGKILL');
    const afterKill = await published();
    expect(afterKill.generation).not.toBe(first.generation); // the killed run published current …
    expect(afterKill.registered).toBe(first.generation); // … and died before the catalog was switched
    expect(afterKill.runs).toHaveLength(2);
    expect(afterKill.partitions).toEqual(first.runs);

    const rerun = await run();
    expect(rerun.code, rerun.output).toBe(0);
    expect(rerun.output).toMatch(/nothing new since/);
    const after = await published();
    expect(after.generation).toBe(afterKill.generation);
    expect(after.registered).toBe(after.generation);
    expect(after.partitions).toEqual(after.runs);
  }, 120_000);

  it('a run killed between publishing changes and current: the rerun folds them into current and registers that run partition too', async () => {
    await objects.put('s3://lake/shop/orders/part-2.parquet', parquet([[4n, at(20)]]));
    const killed = await runKilled({ KILL_OP: 'put', KILL_AT: '/out/orders/current/_manifest\\.json$' });
    expect(killed.signal, killed.output).toBe('SIGKILL');
    const afterKill = await published();
    expect(afterKill.runs).toHaveLength(3);
    expect(afterKill.partitions).toHaveLength(2);

    const rerun = await run();
    expect(rerun.code, rerun.output).toBe(0);
    const after = await published();
    expect(after.generation).not.toBe(afterKill.generation);
    expect(after.registered).toBe(after.generation);
    expect(after.partitions).toEqual(after.runs);
    expect(after.runs.length).toBeGreaterThanOrEqual(3);
  }, 120_000);
});
