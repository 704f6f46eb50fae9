import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileCatalog } from '@etl/catalog';
import { catLines } from '@etl/convert';
import { testContext } from '@etl/core/testing';
import { readManifest } from '@etl/dataset';
import { createObjectStore } from '@etl/object-store';
import { ParquetWriter } from '@etl/parquet';
import { runJob } from '@etl/runtime';
import { parseType, type Value } from '@etl/schema';
import { catalogCdcJob } from './job.js';

const project = new URL('..', import.meta.url).pathname;
const harness = join(project, 'dist', 'test', 'kill-at.mjs');
const work = mkdtempSync(join(tmpdir(), 'catalog-cdc-kill-'));
const store = createObjectStore();
const ROWS = 10_000;

beforeAll(async () => {
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

const fields = [
  { name: 'id', type: parseType('bigint'), nullable: true },
  { name: 'updated_at', type: parseType('timestamp'), nullable: true },
  { name: 'note', type: parseType('varchar'), nullable: true },
];
const ts = (i: number) => BigInt(Date.parse('2026-12-01T00:00:00Z')) * 1000n + BigInt(i) * 1_000_000n;

function writeParquet(path: string, rows: Value[][]): void {
  const writer = new ParquetWriter({ fields }, { rowGroupRows: 4096 });
  const chunks: Uint8Array[] = [];
  for (const row of rows) chunks.push(...writer.appendRow(row));
  chunks.push(...writer.finish());
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.concat(chunks));
}

/** A database `shop` with one table `orders` in the file catalog under `<root>/local`, its files under `<root>/data`. */
async function setUp(root: string): Promise<string[]> {
  const data = join(root, 'data');
  await new FileCatalog(store, join(root, 'local', 'catalog')).upsertTable({
    database: 'shop',
    name: 'orders',
    format: 'parquet',
    location: `${pathToFileURL(data).href}/`,
    columns: [
      { name: 'id', type: 'bigint' },
      { name: 'updated_at', type: 'timestamp' },
      { name: 'note', type: 'string' },
    ],
    partitionKeys: [],
  });
  writeParquet(
    join(data, 'part-000.parquet'),
    Array.from({ length: ROWS }, (_, i) => [BigInt(i % (ROWS / 2)), ts(i), `first ${i}`]),
  );
  mkdirSync(join(root, 'keys'), { recursive: true });
  writeFileSync(join(root, 'keys', 'keys.csv'), 'table_name,primary_key\norders,id\n');
  return [
    '--athena_database_name',
    'shop',
    '--output_path',
    join(root, 'out'),
    '--cdc_path',
    join(root, 'cdc'),
    '--primary_key_s3_prefix',
    `${join(root, 'keys')}/`,
    '--local_dir',
    join(root, 'local'),
    '--memory_mb',
    '32',
  ];
}

/** The second batch of data: changed and new keys, some stamped at the watermark. */
function addChanges(root: string): void {
  writeParquet(join(root, 'data', 'part-001.parquet'), [
    ...Array.from({ length: 1500 }, (_, i) => [BigInt(i * 3), ts(ROWS + i), `changed ${i}`]),
    ...Array.from({ length: 500 }, (_, i) => [BigInt(ROWS + i), ts(ROWS - 1), `new at the watermark ${i}`]),
  ]);
}

async function runInProcess(args: string[]): Promise<number> {
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  return runJob(catalogCdcJob, { argv: args, env: {}, stdout: sink, stderr: sink, handleSignals: false });
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

async function lines(uris: readonly string[]): Promise<string[]> {
  const rows: string[] = [];
  for (const uri of uris)
    for await (const text of catLines(store, uri, {}, testContext().ctx)) rows.push(...text.trim().split('\n').filter(Boolean));
  return rows.sort();
}

/** Every row of every published `changes` run (a run's files are published with its manifest). */
async function allChanges(root: string): Promise<string[]> {
  const changes = join(root, 'out', 'orders', 'changes');
  const manifests = readdirSync(changes, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('_manifest.json'));
  const uris = manifests.flatMap((m) =>
    (JSON.parse(readFileSync(join(changes, m), 'utf8')) as { files: Array<{ uri: string }> }).files.map((f) => f.uri),
  );
  return lines(uris);
}

/** The published current state (rows sorted) and the watermark value. */
async function state(
  root: string,
): Promise<{ rows: string[]; watermark: string | undefined; manifestWatermark: string | undefined; changes: string[] }> {
  const manifest = await readManifest(store, join(root, 'out', 'orders', 'current'));
  const rows = await lines((manifest?.files ?? []).map((f) => f.uri));
  let watermark: string | undefined;
  try {
    watermark = (JSON.parse(readFileSync(join(root, 'cdc', 'orders.json'), 'utf8')) as { value: string }).value;
  } catch {
    watermark = undefined;
  }
  return { rows, watermark, manifestWatermark: manifest?.annotations?.['watermark'], changes: await allChanges(root) };
}

describe('catalog-cdc-to-parquet killed outright (SIGKILL) during an incremental run, then run again', () => {
  let reference: Awaited<ReturnType<typeof state>>;

  beforeAll(async () => {
    const root = join(work, 'reference');
    const args = await setUp(root);
    expect(await runInProcess(args)).toBe(0);
    addChanges(root);
    expect(await runInProcess(args)).toBe(0);
    reference = await state(root);
    expect(reference.rows).toHaveLength(ROWS / 2 + 500);
    expect(new Set(reference.rows.map((r) => (JSON.parse(r) as { id: number }).id)).size).toBe(reference.rows.length);
  }, 120_000);

  const points: Array<[string, 'get' | 'put', string]> = [
    ['during reading', 'get', 'data/part-001\\.parquet$'],
    ['during a Parquet write of current', 'put', '/current/run_id=[^/]+/part-'],
    ['after the data, before the manifest', 'put', '/current/_manifest\\.json$'],
    ['after the manifest, before the watermark', 'put', '/cdc/orders\\.json$'],
  ];
  it.each(points)(
    '%s: the rerun publishes what an uninterrupted run does (current, changes, watermark); the watermark is never ahead of published data',
    async (name, op, at) => {
      const root = join(work, name.replace(/\W+/g, '-'));
      const args = await setUp(root);
      expect(await runInProcess(args)).toBe(0);
      const before = await state(root);
      addChanges(root);

      const killed = await runKilled(args, op, at);
      expect(killed.signal, killed.output).toBe('SIGKILL');
      const afterKill = await state(root);
      // Never ahead: the watermark is the one before, or the one the published manifest carries.
      expect([before.watermark, afterKill.manifestWatermark]).toContain(afterKill.watermark);
      for (const row of afterKill.rows) expect(row).toBeTruthy(); // every file the manifest names reads whole

      expect(await runInProcess(args)).toBe(0);
      const rerun = await state(root);
      expect(rerun.watermark).toBe(reference.watermark);
      expect(rerun.rows).toEqual(reference.rows);
      // changes too: a killed run's published changes are merged by the rerun, not repeated.
      expect(rerun.changes).toEqual(reference.changes);
    },
    60_000,
  );
});

describe('catalog-cdc-to-parquet killed outright (SIGKILL) during its first run (a full load), then run again', () => {
  let reference: Awaited<ReturnType<typeof state>>;

  beforeAll(async () => {
    const root = join(work, 'first-reference');
    expect(await runInProcess(await setUp(root))).toBe(0);
    reference = await state(root);
    expect(reference.changes).toHaveLength(ROWS / 2);
  }, 120_000);

  const points: Array<[string, 'get' | 'put', string]> = [
    ['after the changes, before current', 'put', '/current/_manifest\\.json$'],
    ['after current, before the watermark', 'put', '/cdc/orders\\.json$'],
  ];
  it.each(points)(
    '%s: the rerun takes the published state instead of loading in full again, so changes holds each row once',
    async (name, op, at) => {
      const root = join(work, `first-${name.replace(/\W+/g, '-')}`);
      const args = await setUp(root);
      const killed = await runKilled(args, op, at);
      expect(killed.signal, killed.output).toBe('SIGKILL');
      expect((await state(root)).watermark).toBeUndefined();

      expect(await runInProcess(args)).toBe(0);
      const rerun = await state(root);
      expect(rerun.watermark).toBe(reference.watermark);
      expect(rerun.rows).toEqual(reference.rows);
      expect(rerun.changes).toEqual(reference.changes);
    },
    60_000,
  );
});
