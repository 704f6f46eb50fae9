/**
 * Redshift upsert throughput: the csv-to-redshift pipeline (its bundled entrypoint, as the image runs
 * it) upserting 1 M rows through the local stack — S3 (moto) and the Redshift Data API stand-in on a
 * PostgreSQL 15 cluster — against a raw PostgreSQL `COPY … FROM STDIN` of the same CSV into the same
 * server, in one run. Two upserts: into an empty table (all inserts) and the same file again (every key
 * replaced). Rows in the table are checked after each. Goals (issue 22): at least 0.6x the plan's own SQL
 * run by hand (below), and at least 0.2x raw COPY's rows/s, in the median of `--runs` rounds (default 3;
 * each round: both upserts, the plan by hand, raw COPY; every other round the plan by hand first).
 *
 * Also timed: the merge plan's own SQL (a staging table of the target's columns, COPY, then `planMerge`'s
 * delete + insert + drop in one transaction) sent straight to PostgreSQL from the local file — the warehouse's share
 * of a staged upsert with no client, S3 or Data API time at all, so the best ratio any client of
 * this plan could reach — and the pipeline's own per-step times, read from its log.
 *
 *   npx nx run bench:redshift-upsert
 *   npx nx run bench:redshift-upsert -- --rows 200000 --runs 1
 *   node tools/bench/dist/redshift-upsert.mjs --verbose   (Nx keeps --verbose for itself)
 */
import { execFile, execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CopyObjectCommand, CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { localRedshiftArgs, s3ClientFor, startLocalAws } from '@etl/local-aws';
import { metadataColumns } from '@etl/schema';
import { bindNamedParameters } from '@etl/sql';
import { DESCRIBE_TABLE_SQL, LINE_COLUMN, planMerge, targetColumns } from '@etl/table-sync';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { option } from './bench-args.js';

const rows = Number(option('rows', '1000000'));
/** Rounds of pipeline, ceiling and raw COPY (the order alternating); ratios are the rounds' medians. */
const runs = Number(option('runs', '3'));
if (!Number.isSafeInteger(runs) || runs < 1) {
  console.error(`--runs: a whole number of at least 1, got ${option('runs')}`);
  process.exit(2);
}
/** `--verbose`: the pipeline's own log lines (debug level: every step, the run report) on stderr. */
const verbose = process.argv.includes('--verbose');
const pipelineMain = fileURLToPath(new URL('../../../pipelines/csv-to-redshift/dist/main.mjs', import.meta.url));
const workspace = fileURLToPath(new URL('../../../', import.meta.url));

// Run directly (`node tools/bench/dist/redshift-upsert.mjs`), nothing else rebuilds the pipeline's
// bundle, and figures from an old one measure old code: bundle it again when a file it is built from
// is newer (`--if-stale`; the command of its nx `bundle` target otherwise).
execFileSync(process.execPath, [join(workspace, 'tools/bundle.mjs'), 'src/main.ts', 'dist/main.mjs', '--external-packages', '--if-stale'], {
  cwd: join(workspace, 'pipelines/csv-to-redshift'),
  stdio: 'inherit',
});
const dir = mkdtempSync(join(tmpdir(), 'redshift-upsert-bench-'));
const csvPath = join(dir, 'orders.csv');

/** The generated CSV's columns, as its header names them. */
const SOURCE_COLUMNS = ['order_id', 'customer', 'country', 'quantity', 'amount', 'ordered_at', 'gift', 'note'];
const COUNTRIES = ['United Kingdom', 'France', 'Germany', 'Japan', 'EIRE', 'Spain'];

/** Deterministic orders: a bigint key, text with quoted commas, 2-place amounts, timestamps, booleans. */
async function writeCsv(): Promise<void> {
  const parts: string[] = [`${SOURCE_COLUMNS.join(',')}\n`];
  for (let i = 1; i <= rows; i++) {
    const note = i % 10 === 0 ? `"boxed, ${i % 7} items"` : i % 3 === 0 ? '' : `note ${i % 101}`;
    parts.push(
      `${i},customer ${i % 50_000},${COUNTRIES[i % COUNTRIES.length]},${(i % 48) + 1},${((i * 7919) % 100_000) / 100},2026-11-${String(1 + (i % 28)).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00,${i % 9 === 0},${note}\n`,
    );
  }
  await writeFile(csvPath, parts.join(''));
}

const stack = await startLocalAws({ services: ['s3', 'redshift-data'], warehouse: 'postgres' });
const client = new pg.Client({ connectionString: stack.warehouseUrl });
try {
  await writeCsv();
  const bytes = statSync(csvPath).size;
  const s3 = s3ClientFor(stack.endpoints['S3'] as string);
  await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
  // A body in memory goes up with its checksum in a header; a stream went as aws-chunked, which moto decodes slowly.
  await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: 'source/orders.csv', Body: await readFile(csvPath), ContentLength: bytes }));
  s3.destroy();
  await client.connect();

  /** One pipeline run: wall seconds, and its steps' seconds from its log (`seconds` on info lines). */
  const upsert = async (): Promise<{ seconds: number; steps: Array<[string, number]> }> => {
    const started = performance.now();
    const args = [
      '--source',
      's3://bench/in/orders.csv',
      '--target_table',
      'public.orders',
      '--upsert_keys',
      'order_id',
      ...localRedshiftArgs('bench', { runOutput: false }),
      '--archive',
      'no',
      '--log_level',
      verbose ? 'debug' : 'info',
    ];
    const { stdout } = await promisify(execFile)(process.execPath, [pipelineMain, ...args], {
      env: { ...process.env, ...stack.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    });
    const seconds = (performance.now() - started) / 1000;
    if (verbose) process.stderr.write(stdout);
    const count = Number((await client.query('SELECT count(*) AS n FROM public.orders')).rows[0].n);
    if (count !== rows) throw new Error(`public.orders holds ${count} rows after the upsert, expected ${rows}`);
    return { seconds, steps: stepsOf(stdout) };
  };

  /**
   * The file as a new object at in/orders.csv, copied from the one upload (a server-side copy: moto
   * took a minute and more of CPU to take 72 MB streamed into one PutObject).
   */
  const putSource = async () => {
    const s3 = s3ClientFor(stack.endpoints['S3'] as string);
    await s3.send(new CopyObjectCommand({ Bucket: 'bench', Key: 'in/orders.csv', CopySource: 'bench/source/orders.csv' }));
    s3.destroy();
  };
  // Raw COPY of the same file into a table of the same source columns and types (made once the
  // pipeline has created public.orders).
  const copyCsv = (table: string) =>
    pipeline(
      createReadStream(csvPath),
      client.query(copyFrom(`COPY ${table} (${SOURCE_COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv, HEADER true)`)),
    );
  const rawCopy = async (): Promise<number> => {
    await client.query('DROP TABLE IF EXISTS public.orders_raw');
    await client.query(`CREATE TABLE public.orders_raw AS SELECT ${SOURCE_COLUMNS.join(', ')} FROM public.orders WHERE false`);
    const seconds = await timed(() => copyCsv('public.orders_raw'));
    const count = Number((await client.query('SELECT count(*) AS n FROM public.orders_raw')).rows[0].n);
    if (count !== rows) throw new Error(`raw COPY loaded ${count} rows, expected ${rows}`);
    return seconds;
  };

  /**
   * The pipeline into an empty table, then the same file again (every key replaced). The second load
   * of a file would be archived, not loaded: its SUCCESS audit row is newer than the object (a killed
   * run's file is not loaded twice). So it is uploaded again first, as a new day's file with every
   * key, a second after that row (S3 times have whole seconds); and before each round's first load.
   */
  const pipelineRound = async () => {
    await client.query('DROP TABLE IF EXISTS public.orders');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await putSource();
    const inserting = await upsert();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await putSource();
    const replacing = await upsert();
    if (!replacing.steps.some(([step]) => step.startsWith('merged')))
      throw new Error('the second upsert merged nothing: it did not load the file');
    return { inserting, replacing };
  };

  /**
   * The plan's own SQL (`planMerge`, as the pipeline builds it, run_date and file_name included) sent
   * straight to PostgreSQL, into a table shaped as the pipeline made public.orders: what PostgreSQL
   * itself spends on a staged upsert (staging table of the target's columns and the line column,
   * COPY, then delete + insert + drop in one transaction), into the empty table and then replacing.
   */
  const ceilingRound = async () => {
    await client.query('DROP TABLE IF EXISTS public.orders_plan');
    await client.query('CREATE TABLE public.orders_plan (LIKE public.orders)');
    const described = bindNamedParameters(DESCRIBE_TABLE_SQL, { schema: 'public', table: 'orders_plan' });
    const target = targetColumns((await client.query({ text: described.sql, values: described.values, rowMode: 'array' })).rows);
    const plan = planMerge({
      table: 'public.orders_plan',
      staging: 'public.orders_plan_stg',
      keys: ['order_id'],
      sourceColumns: SOURCE_COLUMNS,
      target,
      duplicatesPossible: false,
      constants: metadataColumns({ runDate: new Date(), fileName: 's3://bench/in/orders.csv' }),
    });
    const byHand = () =>
      timed(async () => {
        await client.query('CREATE TABLE public.orders_plan_stg (LIKE public.orders_plan)');
        await client.query(`ALTER TABLE public.orders_plan_stg ADD COLUMN ${LINE_COLUMN} BIGINT`);
        await copyCsv('public.orders_plan_stg');
        await client.query('BEGIN');
        for (const step of plan.merge) await client.query(step.sql);
        await client.query('COMMIT');
      });
    return { inserting: await byHand(), replacing: await byHand() };
  };

  // Rounds alternate which goes first, so neither always runs on a warmer (or busier) machine.
  const measureRound = async (ceilingFirst: boolean) => {
    const early = ceilingFirst ? await ceilingRound() : undefined;
    const pipeline = await pipelineRound();
    const ceiling = early ?? (await ceilingRound());
    return { pipeline, ceiling, raw: await rawCopy() };
  };
  const rounds: Array<Awaited<ReturnType<typeof measureRound>>> = [];
  for (let round = 0; round < runs; round++) rounds.push(await measureRound(round % 2 === 1));

  const line = (name: string, seconds: number) =>
    `${name.padEnd(48)} ${seconds.toFixed(2).padStart(7)}  ${Math.round(rows / seconds)
      .toLocaleString('en-US')
      .padStart(10)}  ${(bytes / 1e6 / seconds).toFixed(1).padStart(6)}`;
  const steps = ({ seconds, steps }: { seconds: number; steps: Array<[string, number]> }) => {
    const other = seconds - steps.reduce((sum, [, s]) => sum + s, 0);
    return `    ${[...steps, ['process start, audit, cleanup', other] as [string, number]].map(([name, s]) => `${name} ${s.toFixed(2)}`).join(' · ')}`;
  };
  console.log(
    `\nRedshift upsert, ${rows.toLocaleString('en-US')} rows (${(bytes / 1e6).toFixed(0)} MB CSV), PostgreSQL-backed stand-in, ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${runs} round${runs === 1 ? '' : 's'}`,
  );
  for (const [i, round] of rounds.entries()) {
    console.log(`round ${i + 1}${i % 2 === 1 ? ' (the ceiling first)' : ''}`);
    console.log(`${'method'.padEnd(48)} seconds      rows/s    MB/s`);
    console.log(line('pipeline upsert into an empty table', round.pipeline.inserting.seconds));
    console.log(steps(round.pipeline.inserting));
    console.log(line('pipeline upsert, every key replaced', round.pipeline.replacing.seconds));
    console.log(steps(round.pipeline.replacing));
    console.log(line('raw PostgreSQL COPY FROM STDIN (reference)', round.raw));
    console.log(line("the plan's SQL by hand, into an empty table", round.ceiling.inserting));
    console.log(line("the plan's SQL by hand, every key replaced", round.ceiling.replacing));
  }
  // Ratios within each round (pipeline and ceiling measured minutes apart), then their median.
  const medianOf = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  };
  const ratios = (of: (round: (typeof rounds)[number]) => number) => {
    const each = rounds.map(of);
    return { each, median: medianOf(each) };
  };
  const show = ({ each, median }: { each: number[]; median: number }) =>
    `${median.toFixed(2)}x${each.length > 1 ? ` (rounds: ${each.map((r) => r.toFixed(2)).join(', ')})` : ''}`;
  const ceilingInsert = ratios((r) => r.ceiling.inserting / r.pipeline.inserting.seconds);
  const ceilingReplace = ratios((r) => r.ceiling.replacing / r.pipeline.replacing.seconds);
  const rawInsert = ratios((r) => r.raw / r.pipeline.inserting.seconds);
  const rawReplace = ratios((r) => r.raw / r.pipeline.replacing.seconds);
  console.log(`\nmedians over ${runs} round${runs === 1 ? '' : 's'}`);
  console.log(`ratio pipeline / raw COPY: ${show(rawInsert)} inserting, ${show(rawReplace)} replacing`);
  console.log(
    `best any client of this plan can reach (its SQL by hand / raw COPY): ${show(ratios((r) => r.raw / r.ceiling.inserting))} inserting, ${show(ratios((r) => r.raw / r.ceiling.replacing))} replacing`,
  );
  console.log(`ratio pipeline / its plan's SQL by hand (the ceiling): ${show(ceilingInsert)} inserting, ${show(ceilingReplace)} replacing`);
  // Issue 22: 0.5x raw COPY was out of reach for a plan that writes every row twice; the goals are now
  // >= 0.6x the plan's own SQL, and >= 0.2x raw COPY, in the median of the rounds.
  const toCeiling = Math.min(ceilingInsert.median, ceilingReplace.median);
  const toRaw = Math.min(rawInsert.median, rawReplace.median);
  console.log(`goal >= 0.6x the ceiling: ${toCeiling >= 0.6 ? 'ok' : 'MISSED'}; goal >= 0.2x raw COPY: ${toRaw >= 0.2 ? 'ok' : 'MISSED'}`);
  if (toCeiling < 0.6 || toRaw < 0.2) process.exitCode = 1;
} finally {
  await client.end().catch(() => undefined);
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/**
 * The pipeline's timed steps, from its JSON log lines that carry `seconds` ("<file>: staged …" -> "staged").
 * Parts are COPYed while later ones are staged, so "staged" includes all but the last part's COPY
 * and "COPY" is the wait for the last one after staging.
 */
function stepsOf(log: string): Array<[string, number]> {
  const steps: Array<[string, number]> = [];
  for (const text of log.split('\n')) {
    if (!text.startsWith('{')) continue;
    const entry = JSON.parse(text) as { seconds?: number; msg?: string; file?: string };
    if (typeof entry.seconds !== 'number' || !entry.msg) continue;
    const what = entry.file && entry.msg.startsWith(`${entry.file}: `) ? entry.msg.slice(entry.file.length + 2) : entry.msg;
    steps.push([what.split(/[ :]/)[0] === 'COPY' ? 'last COPY after staging' : (what.split(/[ :]/)[0] ?? what), entry.seconds]);
  }
  return steps;
}
