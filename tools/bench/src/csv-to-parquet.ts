/**
 * CSV -> typed Snappy Parquet, ours against DuckDB on one thread and the naive csv-parse +
 * @dsnp/parquetjs path, on the same generated bench CSV, in one run. Each scenario runs in its own child
 * process (peak RSS is per process). Also prints parse + cast alone (the CSV issue's figure), checks
 * that our output has DuckDB's row count and column checksums, and says which goals were met.
 *
 *   npx nx run bench:csv-to-parquet                          # 200 MB and 1 GB
 *   npx nx run bench:csv-to-parquet -- --sizes-mb 200
 *   npx nx run bench:csv-to-parquet -- --stream-gb 10        # memory bound: input streamed from the generator
 *   npx nx run bench:csv-to-parquet -- --naive-all           # the naive path at every size (slow: ~5 MB/s)
 *   npx nx run bench:csv-to-parquet -- --repeat 7            # rounds per size (default 5)
 *
 * Timings on a shared 2-core VM swing by a quarter from one run to the next, so ours, DuckDB and
 * parse + cast run `--repeat` times, interleaved (one of each per round, the order turning each
 * round), and each figure is the median run; the spread is printed beside it, and the ratios of
 * runs side by side, round by round.
 * Peak RSS is the highest of all runs.
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { benchCsvFile, benchDir } from './bench-csv.js';
import { CHECKSUM_COLUMNS } from './csv-to-parquet/bench-schema.js';
import { runScenario, type Scenario, type ScenarioResult } from './csv-to-parquet/scenarios.js';
import { option } from './bench-args.js';

const MB = 1024 * 1024;
const GOALS = { vsDuckDb: 0.5, peakRssMb: 256, sizeVsDuckDb: 1.2, parseCastMbps: 50 };
/**
 * DuckDB's one-thread conversion of this CSV on the machine the goals were set on
 * (tools/bench/PERF-BASELINE.md, 2026-11-21: 84-94 MB/s). The parse + cast goal is an absolute figure
 * set there; this VM runs at half to four fifths of that speed, so parse + cast is also printed as a
 * ratio to DuckDB in the same run and scaled to the baseline machine. The goal is checked on the
 * measured figure.
 */
const BASELINE_DUCKDB_MBPS = [84, 94] as const;

if (process.argv[2] === '--child') {
  const [scenario, input, output, streamBytes] = process.argv.slice(3) as [Scenario, string, string, string];
  const result = await runScenario(scenario, input, output, Number(streamBytes));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

const workDir = benchDir();

async function child(scenario: Scenario, input: string, output: string, streamBytes = 0): Promise<ScenarioResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [process.argv[1] as string, '--child', scenario, input, output, String(streamBytes)],
    { maxBuffer: 16 * MB, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string) as ScenarioResult;
}

async function checksums(path: string): Promise<string[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const reader = await connection.runAndReadAll(
    `SELECT count(*)::VARCHAR, ${CHECKSUM_COLUMNS.map((c) => `(${c})::VARCHAR`).join(', ')} FROM read_parquet('${path}')`,
  );
  connection.closeSync();
  return (reader.getRows()[0] ?? []).map(String);
}

const mbps = (r: ScenarioResult) => r.inputBytes / 1e6 / r.seconds;
const row = (r: ScenarioResult) =>
  `${r.scenario.padEnd(22)} ${String(r.rows).padStart(9)} ${r.seconds.toFixed(1).padStart(7)} ${mbps(r).toFixed(1).padStart(7)} ${Math.round(
    r.rows / r.seconds,
  )
    .toLocaleString('en-US')
    .padStart(
      10,
    )} ${(r.peakRssBytes / MB).toFixed(0).padStart(7)} ${r.outputBytes ? (r.outputBytes / MB).toFixed(1).padStart(8) : '       -'}`;
const HEADER = `${'scenario'.padEnd(22)} ${'rows'.padStart(9)} ${'seconds'.padStart(7)} ${'MB/s'.padStart(7)} ${'rows/s'.padStart(10)} ${'RSS MiB'.padStart(7)} ${'out MiB'.padStart(8)}`;

/** The run of median time (the upper middle one for an even count), its peak RSS the highest of all. */
function medianRun(runs: readonly ScenarioResult[]): ScenarioResult {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  const median = sorted[Math.floor(sorted.length / 2)] as ScenarioResult;
  return { ...median, peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)) };
}

const spread = (runs: readonly ScenarioResult[]) => (runs.length < 2 ? '' : runs.map((r) => r.seconds.toFixed(1)).join(' '));

const missed: string[] = [];
const sizes = (option('sizes-mb') ?? '200,1024')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const streamGb = Number(option('stream-gb') ?? 0);
const repeat = Math.max(1, Number(option('repeat') ?? 5));
console.log(
  `CSV -> typed Snappy Parquet, ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${(await import('node:os')).cpus().length} cores`,
);

for (const sizeMb of sizes) {
  const input = await benchCsvFile(sizeMb);
  const out = (name: string) => join(workDir, `out-${sizeMb}mb-${name}.parquet`);
  const timed = ['parse-cast', 'ours', 'duckdb'] as const;
  const runs: ScenarioResult[][] = timed.map(() => []);
  for (let round = 0; round < repeat; round++) {
    // The order turns each round, so no scenario always runs first (cold page cache) or last.
    for (let k = 0; k < timed.length; k++) {
      const i = (k + round) % timed.length;
      const scenario = timed[i] as (typeof timed)[number];
      runs[i]?.push(await child(scenario, input, out(scenario)));
    }
  }
  const [parseCast, ours, duck] = runs.map(medianRun) as [ScenarioResult, ScenarioResult, ScenarioResult];
  const naive = sizeMb <= 256 || process.argv.includes('--naive-all') ? await child('naive', input, out('naive')) : undefined;
  console.log(`\n${(statSync(input).size / 1e6).toFixed(0)} MB bench CSV (${input}), median of ${repeat} interleaved rounds`);
  console.log(`${HEADER}  seconds over the rounds`);
  for (const [i, r] of [parseCast, ours, duck].entries()) console.log(`${row(r)}  ${spread(runs[i] ?? [])}`);
  console.log(naive ? row(naive) : `${'naive'.padEnd(22)} skipped above 256 MB (about 5 MB/s; --naive-all runs it)`);
  const speed = mbps(ours) / mbps(duck);
  const size = ours.outputBytes / duck.outputBytes;
  // Runs next to each other see the same phase of the machine: their speed against DuckDB's, round by round.
  const [parseCastRuns, ourRuns, duckRuns] = runs as [ScenarioResult[], ScenarioResult[], ScenarioResult[]];
  const perRound = (scenarioRuns: readonly ScenarioResult[]) =>
    scenarioRuns.map((r, i) => ((duckRuns[i] as ScenarioResult).seconds / r.seconds).toFixed(2)).join(' ');
  console.log(
    `ours / DuckDB 1 thread: ${speed.toFixed(2)}x speed (per round: ${perRound(ourRuns)}), ${size.toFixed(2)}x size${naive ? `; ours / naive: ${(mbps(ours) / mbps(naive)).toFixed(1)}x speed, ${(ours.outputBytes / naive.outputBytes).toFixed(2)}x size` : ''}`,
  );
  const parseCastRatio = mbps(parseCast) / mbps(duck);
  const [low, high] = BASELINE_DUCKDB_MBPS.map((d) => parseCastRatio * d) as [number, number];
  console.log(
    `parse + cast: ${mbps(parseCast).toFixed(1)} MB/s here, ${parseCastRatio.toFixed(2)}x DuckDB's whole conversion (per round: ${perRound(parseCastRuns)}); on the baseline machine (DuckDB ${BASELINE_DUCKDB_MBPS.join('-')} MB/s) that is ${low.toFixed(0)}-${high.toFixed(0)} MB/s`,
  );
  const [ourSums, duckSums] = [await checksums(out('ours')), await checksums(out('duckdb'))];
  const same = JSON.stringify(ourSums) === JSON.stringify(duckSums);
  console.log(
    `verify: row count and ${CHECKSUM_COLUMNS.length} column checksums ${same ? "equal to DuckDB's" : `DIFFER: ours ${ourSums.join(',')} vs DuckDB ${duckSums.join(',')}`}`,
  );
  if (!same) missed.push(`${sizeMb} MB: output differs from DuckDB's`);
  if (speed < GOALS.vsDuckDb) missed.push(`${sizeMb} MB: ${speed.toFixed(2)}x DuckDB (goal ${GOALS.vsDuckDb}x)`);
  if (size > GOALS.sizeVsDuckDb) missed.push(`${sizeMb} MB: output ${size.toFixed(2)}x DuckDB's (goal <= ${GOALS.sizeVsDuckDb}x)`);
  if (ours.peakRssBytes / MB > GOALS.peakRssMb)
    missed.push(`${sizeMb} MB: peak RSS ${(ours.peakRssBytes / MB).toFixed(0)} MiB (goal <= ${GOALS.peakRssMb})`);
  if (mbps(parseCast) < GOALS.parseCastMbps)
    missed.push(
      `${sizeMb} MB: parse + cast ${mbps(parseCast).toFixed(1)} MB/s measured, ${low.toFixed(0)} at the baseline machine's speed (goal >= ${GOALS.parseCastMbps})`,
    );
}

if (streamGb > 0) {
  const result = await child('ours-stream', '-', '-', streamGb * 1024 * MB);
  console.log(`\n${streamGb} GB streamed from the generator (not stored), output counted and dropped`);
  console.log(HEADER);
  console.log(row(result));
  if (result.peakRssBytes / MB > GOALS.peakRssMb)
    missed.push(`${streamGb} GB stream: peak RSS ${(result.peakRssBytes / MB).toFixed(0)} MiB (goal <= ${GOALS.peakRssMb})`);
}

console.log(missed.length === 0 ? '\ngoals: all met' : `\ngoals missed:\n  ${missed.join('\n  ')}`);
if (missed.length > 0) process.exitCode = 1;
