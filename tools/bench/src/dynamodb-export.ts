/**
 * DynamoDB -> Parquet export throughput and memory (seed 004): a table of `--items` retail-shaped
 * items (default 1 M) exported by the pipeline's path, `exportTable` with `--segments` parallel Scan
 * segments (default 4) into a `datasetSink`, against a plain sequential Scan loop writing the same
 * Parquet (same columns, same dataset writer) on the same endpoint, in one run. Each scenario runs in
 * its own Node process, so its peak RSS is its own. The stand-in is Amazon's DynamoDB Local (its own
 * Java process, so the segments' requests really overlap); `--stand-in dynalite` for the in-process
 * one. One item has an attribute no other has: the inferred export must have its column, with 1 value. `scan-only` (the parallel scan alone) is what a second pass over the table would cost, beside
 * what the spool costs (`export` - `export-declared`). Goals: the export at least 2x the loop's items/s with 4 segments; peak RSS <= 256 MB on 1 M items.
 *
 * The export scenarios run with the Node options of the deployed job (`--node-options`, default
 * `DEPLOYED_NODE_OPTIONS`); `--node-options ''` for Node's defaults. `--skip-loop` leaves the loop out (at
 * 1 M items it runs for over 9 minutes on DynamoDB Local, whose Scan slows the further it reads): no ratio then.
 *
 *   npx nx run bench:dynamodb-export
 *   npx nx run bench:dynamodb-export -- --items 20000 --segments 4
 *   npx nx run bench:dynamodb-export -- --items 1000000 --skip-loop
 */
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { createLogger, createRunContext, from, runPipeline, sinkWritable } from '@etl/core';
import { datasetSink, ParquetDataset } from '@etl/dataset';
import {
  BATCH_WRITE_LIMIT,
  createDynamoDbClient,
  createStringKeyedTable,
  declaredColumns,
  DynamoDbPutSink,
  exportTable,
  itemRows,
  scanSource,
  type Item,
} from '@etl/dynamodb';
import { startEmbeddedDynamoDb } from '@etl/dynamodb-embedded';
import { LOCAL_CREDENTIALS, startDynamoDbLocal } from '@etl/local-aws';
import { createObjectStore } from '@etl/object-store';
import type { Schema } from '@etl/schema';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { option } from './bench-args.js';

const env = {
  AWS_REGION: LOCAL_CREDENTIALS.region,
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
};
const TABLE = 'bench_retail';
const RARE_ITEM = 777;

/** The columns both scenarios write: the retail item's attributes, as the export infers them. */
const schema: Schema = {
  fields: [
    { name: 'pk', type: { kind: 'string' }, nullable: false },
    { name: 'Country', type: { kind: 'string' }, nullable: false },
    { name: 'CustomerID', type: { kind: 'bigint' }, nullable: true },
    { name: 'Description', type: { kind: 'string' }, nullable: false },
    { name: 'InvoiceDate', type: { kind: 'timestamp', withZone: false }, nullable: false },
    { name: 'InvoiceNo', type: { kind: 'string' }, nullable: false },
    { name: 'Quantity', type: { kind: 'bigint' }, nullable: false },
    { name: 'StockCode', type: { kind: 'string' }, nullable: false },
    { name: 'UnitPrice', type: { kind: 'decimal', precision: 38, scale: 2 }, nullable: false },
  ],
};

const item = (i: number): Item => ({
  pk: { S: `${536365 + Math.floor(i / 20)}#${85000 + (i % 20)}A` },
  InvoiceNo: { S: String(536365 + Math.floor(i / 20)) },
  StockCode: { S: `${85000 + (i % 20)}A` },
  Description: { S: `WHITE HANGING HEART T-LIGHT HOLDER ${i % 997}` },
  Quantity: { N: String((i % 48) - 4) },
  InvoiceDate: { S: `2011-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}T08:26:00.000000Z` },
  UnitPrice: { N: `${i % 100}.${String(i % 100).padStart(2, '0')}` },
  ...(i % 4 === 0 ? {} : { CustomerID: { N: String(12000 + (i % 5000)) } }),
  Country: { S: i % 10 === 0 ? 'France' : 'United Kingdom' },
  // One item in the whole table has one more attribute: the inferred schema must still have its column.
  ...(i === RARE_ITEM ? { Rare: { S: 'only here' } } : {}),
});

function context() {
  const runId = `bench-${process.pid}`;
  return createRunContext({
    jobName: 'bench',
    runId,
    logger: createLogger({ runId, jobName: 'bench', level: 'warn', destination: process.stderr }),
  });
}

/** One scenario, in this (child) process: prints `{ seconds, rows, maxRssBytes }`. */
async function scenario(name: string, endpoint: string, segments: number): Promise<void> {
  const client = createDynamoDbClient(env, endpoint);
  const ctx = context();
  const out = mkdtempSync(join(tmpdir(), `bench-export-${name}-`));
  const objects = createObjectStore();
  const started = performance.now();
  let rows = 0;
  try {
    if (name === 'scan-only') {
      // What a second pass over the table would cost (the alternative to the spool): the parallel scan alone.
      for await (const page of scanSource(client, TABLE, { segments }).open(ctx) as AsyncIterable<Item[]>) rows += page.length;
    } else if (name === 'loop') {
      // The plain way: one Scan page after another, each page's rows handed to the same dataset writer.
      const toRows = itemRows(declaredColumns(schema.fields), ['pk'], { table: TABLE });
      const dataset = new ParquetDataset(objects, { prefix: out, schema: { fields: declaredColumns(schema.fields).map((c) => c.field) } });
      await dataset.connect(ctx);
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName: TABLE, ...(start ? { ExclusiveStartKey: start } : {}) }));
        await dataset.writeRows((page.Items ?? []).map((i) => toRows.toRow(i as Item)));
        start = page.LastEvaluatedKey;
      } while (start);
      rows = (await dataset.close(ctx)).rows;
    } else {
      // The pipeline's path; `export` infers the schema over every item (one scan into the spool), `export-declared` is given it.
      const exported = await exportTable(client, TABLE, ctx, { segments, ...(name === 'export-declared' ? { schema } : {}) });
      try {
        const sink = datasetSink(objects, { prefix: out, schema: exported.schema });
        await runPipeline(from(exported.items).through(exported.toRows).into(sinkWritable(sink, ctx)), ctx);
        rows = sink.result?.rows ?? 0;
      } finally {
        await exported.close();
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const maxRssBytes = process.resourceUsage().maxRSS * 1024; // before DuckDB loads, below
    let rare: number | undefined;
    if (name === 'export') {
      // Loaded only now: DuckDB's native library adds ~30 MiB to a process's RSS, which the export does not carry.
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const db = await DuckDBInstance.create(':memory:');
      const connection = await db.connect();
      const reader = await connection.runAndReadAll(
        `SELECT count(rare)::INTEGER AS n FROM read_parquet('${out}/**/*.parquet', union_by_name = true)`,
      );
      rare = Number(reader.getRowObjectsJson()[0]?.['n']);
      connection.closeSync();
      db.closeSync();
    }
    console.log(JSON.stringify({ seconds, rows, maxRssBytes, ...(rare === undefined ? {} : { rare }) }));
  } finally {
    client.destroy();
    rmSync(out, { recursive: true, force: true });
  }
}

async function populate(endpoint: string, count: number): Promise<void> {
  const client = createDynamoDbClient(env, endpoint);
  const ctx = context();
  try {
    await createStringKeyedTable(client, TABLE, 'pk');
    const sink = sinkWritable(new DynamoDbPutSink(client, TABLE), ctx, { maxItems: BATCH_WRITE_LIMIT, maxInFlight: 16 });
    for (let i = 0; i < count; i += 500)
      if (!sink.write(Array.from({ length: Math.min(500, count - i) }, (_, k) => item(i + k)))) await once(sink, 'drain');
    sink.end();
    await finished(sink);
  } finally {
    client.destroy();
  }
}

/**
 * What tools/deploy sets for dynamodb-to-parquet's job (`boundedMemory` of its resources.ts: 3/4 of a 2048 MiB
 * container as the old-space limit, its declared `semiSpaceMiB`): the process the goal is about.
 */
const DEPLOYED_NODE_OPTIONS = '--max-old-space-size=1536 --max-semi-space-size=4';

const role = option('scenario');
/** Jiffies the machine spent busy and in all since boot (/proc/stat's cpu line; Linux). */
function machineCpu(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((sum, n) => sum + n, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** The share of the machine's CPU time that was busy between two readings. */
function machineBusy(before: { busy: number; total: number }, after: { busy: number; total: number }): number {
  return (after.busy - before.busy) / Math.max(1, after.total - before.total);
}

if (role) await scenario(role, option('endpoint', ''), Number(option('segments', '4')));
else {
  const count = Number(option('items', '1000000'));
  const segments = Number(option('segments', '4'));
  const standIn = option('stand-in', 'dynamodb-local');
  const server = standIn === 'dynalite' ? await startEmbeddedDynamoDb({}) : await startDynamoDbLocal();
  try {
    const loaded = performance.now();
    await populate(server.endpoint, count);
    console.log(
      `DynamoDB -> Parquet export, ${count.toLocaleString('en-US')} items, ${standIn}, ${new Date().toISOString().slice(0, 10)}, node ${process.version} (table loaded in ${((performance.now() - loaded) / 1000).toFixed(0)} s)`,
    );
    const self = fileURLToPath(import.meta.url);
    // Asynchronously: the in-process dynalite must keep serving while a scenario runs.
    const nodeOptions = option('node-options', DEPLOYED_NODE_OPTIONS);
    console.log(
      `export scenarios with NODE_OPTIONS='${nodeOptions}'${nodeOptions === DEPLOYED_NODE_OPTIONS ? " (the deployed job's)" : ''}`,
    );
    const run = async (name: string) => {
      const cpuBefore = machineCpu();
      const child = promisify(execFile)(
        process.execPath,
        [self, '--scenario', name, '--endpoint', server.endpoint, '--segments', String(segments)],
        {
          encoding: 'utf8',
          maxBuffer: 16 * 2 ** 20,
          // The loop is the reference, run as a plain script would be; the export as the job runs.
          env: { ...process.env, NODE_OPTIONS: name === 'loop' ? '' : nodeOptions },
        },
      );
      child.child.stderr?.pipe(process.stderr);
      const { stdout: text } = await child;
      const result = JSON.parse(text.trim().split('\n').at(-1) as string) as {
        seconds: number;
        rows: number;
        maxRssBytes: number;
        rare?: number;
      };
      const busy = machineBusy(cpuBefore, machineCpu());
      if (result.rows !== count) throw new Error(`${name} wrote ${result.rows} rows of ${count}`);
      console.log(
        `${name.padEnd(34)} ${result.seconds.toFixed(1).padStart(7)} s ${Math.round(count / result.seconds)
          .toLocaleString('en-US')
          .padStart(
            9,
          )} items/s   peak RSS ${(result.maxRssBytes / 2 ** 20).toFixed(0).padStart(4)} MiB   machine CPU busy ${(busy * 100).toFixed(0).padStart(3)}%`,
      );
      return { ...result, busy };
    };
    const loop = process.argv.includes('--skip-loop') ? undefined : await run('loop');
    const inferred = await run('export');
    console.log(
      `the one item of ${count.toLocaleString('en-US')} with an extra attribute: its column has ${inferred.rare} value(s) (goal 1): ${inferred.rare === 1 ? 'ok' : 'MISSED'}`,
    );
    if (inferred.rare !== 1) process.exitCode = 1;
    const declared = await run('export-declared');
    const scanOnly = await run('scan-only');
    console.log(
      `schema over every item: the spool cost ${(inferred.seconds - declared.seconds).toFixed(1)} s (inferred - declared); a second scan instead would cost ${scanOnly.seconds.toFixed(1)} s`,
    );
    for (const [name, r] of [
      [`export, ${segments} segments, schema inferred (spool)`, inferred],
      [`export, ${segments} segments, schema declared`, declared],
    ] as const) {
      const ratio = loop ? loop.seconds / r.seconds : undefined;
      const rssOk = r.maxRssBytes <= 256 * 2 ** 20;
      const speed = ratio === undefined ? 'loop skipped' : `${ratio.toFixed(2)}x the loop (goal >= 2x): ${ratio >= 2 ? 'ok' : 'MISSED'}`;
      console.log(`${name}: ${speed}; peak RSS ${rssOk ? 'ok' : 'OVER'} (goal <= 256 MiB)`);
      if ((ratio !== undefined && ratio < 2) || !rssOk) process.exitCode = 1;
    }
  } finally {
    await server.stop();
  }
}
