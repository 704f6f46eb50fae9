/**
 * CSV -> typed Snappy Parquet, ours against DuckDB, on two data shapes (the standard bench CSV and an
 * independently generated, differently distributed one: `csv-to-parquet/varied-csv.ts`), at one
 * thread each and at N threads each (DuckDB `threads = N`), plus the naive csv-parse +
 * @dsnp/parquetjs path, in one run. Each scenario runs in its own child process (peak RSS is per
 * process). Also prints parse + cast alone (the CSV issue's figure), checks that every output of ours
 * has DuckDB's row count and column checksums (so the N-thread output equals the one-thread output
 * too), and says which goals were met.
 *
 *   npx nx run bench:csv-to-parquet                          # both shapes, 200 MB and 1 GB, 1 and N threads
 *   npx nx run bench:csv-to-parquet -- --sizes-mb 200 --shapes varied --threads 4
 *   npx nx run bench:csv-to-parquet -- --stream-gb 10        # memory bound: input streamed from the generator
 *   npx nx run bench:csv-to-parquet -- --naive-all           # the naive path at every size (slow: ~5 MB/s)
 *   npx nx run bench:csv-to-parquet -- --repeat 7            # rounds per size (default 5)
 *
 * N is `--threads`, by default the machine's cores (`os.availableParallelism()`); with N = 1 only the
 * one-thread pair runs. Timings on a shared VM swing by a quarter from one run to the next, so every
 * timed scenario runs `--repeat` times, interleaved (one of each per round, the order turning each
 * round), and each figure is the median run; the spread is printed beside it, and the ratios of runs
 * side by side, round by round. Peak RSS is the highest of all runs.
 */
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { benchDir } from './bench-csv.js';
import { runScenario, type Scenario, type ScenarioResult } from './csv-to-parquet/scenarios.js';
import { checksumColumns, shapeNamed, type Shape } from './csv-to-parquet/shapes.js';
import { option } from './bench-args.js';

const MB = 1024 * 1024;
/** Issue 28's goals (and the earlier ones on size and parse + cast). */
const GOALS = { oneThread: 0.5, nThreads: 0.75, peakRssMb: 256, peakRssNMb: 384, sizeVsDuckDb: 1.2, parseCastMbps: 50 };
/**
 * DuckDB's one-thread conversion of the standard CSV on the machine the goals were set on
 * (tools/bench/PERF-BASELINE.md, 2026-11-21: 84-94 MB/s). The parse + cast goal is an absolute figure
 * set there; this VM runs at half to four fifths of that speed, so parse + cast is also printed as a
 * ratio to DuckDB in the same run and scaled to the baseline machine. The goal is checked on the
 * measured figure.
 */
const BASELINE_DUCKDB_MBPS = [84, 94] as const;

if (process.argv[2] === '--child') {
  const [scenario, input, output, streamBytes, threads, shape] = process.argv.slice(3) as [
    Scenario,
    string,
    string,
    string,
    string,
    string,
  ];
  const result = await runScenario(scenario, input, output, Number(streamBytes), Number(threads), shapeNamed(shape));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

const workDir = benchDir();

/** One timed run: a scenario at a thread count. */
interface Run {
  scenario: Scenario;
  threads: number;
}
const label = (run: Run) => `${run.scenario} ${run.threads}t`;

async function child(run: Run, shape: Shape, input: string, output: string, streamBytes = 0): Promise<ScenarioResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [process.argv[1] as string, '--child', run.scenario, input, output, String(streamBytes), String(run.threads), shape.name],
    { maxBuffer: 16 * MB, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );
  const result = JSON.parse(stdout.trim().split('\n').pop() as string) as ScenarioResult;
  return { ...result, scenario: label(run) };
}

async function checksums(shape: Shape, path: string): Promise<string[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const reader = await connection.runAndReadAll(
    `SELECT count(*)::VARCHAR, ${checksumColumns(shape)
      .map((c) => `(${c})::VARCHAR`)
      .join(', ')} FROM read_parquet('${path}')`,
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
const shapes = (option('shapes') ?? 'standard,varied').split(',').map(shapeNamed);
const threads = Math.max(1, Number(option('threads') ?? availableParallelism()));
const streamGb = Number(option('stream-gb') ?? 0);
const repeat = Math.max(1, Number(option('repeat') ?? 5));
console.log(
  `CSV -> typed Snappy Parquet, ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${availableParallelism()} cores, N = ${threads} threads`,
);

for (const shape of shapes) {
  for (const sizeMb of sizes) {
    const input = await shape.file(sizeMb);
    const out = (run: Run) => join(workDir, `out-${shape.name}-${sizeMb}mb-${run.scenario}-${run.threads}t.parquet`);
    const pairs: Array<{ ours: Run; duckdb: Run }> = [1, ...(threads > 1 ? [threads] : [])].map((n) => ({
      ours: { scenario: 'ours', threads: n },
      duckdb: { scenario: 'duckdb', threads: n },
    }));
    const timed: Run[] = [{ scenario: 'parse-cast', threads: 1 }, ...pairs.flatMap((p) => [p.ours, p.duckdb])];
    const runs = new Map<Run, ScenarioResult[]>(timed.map((t) => [t, []]));
    for (let round = 0; round < repeat; round++) {
      // The order turns each round, so no scenario always runs first (cold page cache) or last.
      for (let k = 0; k < timed.length; k++) {
        const run = timed[(k + round) % timed.length] as Run;
        runs.get(run)?.push(await child(run, shape, input, out(run)));
      }
    }
    const median = (run: Run) => medianRun(runs.get(run) ?? []);
    const naiveRun: Run = { scenario: 'naive', threads: 1 };
    const naive = shape.name === 'standard' && (sizeMb <= 256 || process.argv.includes('--naive-all'));
    const naiveResult = naive ? await child(naiveRun, shape, input, out(naiveRun)) : undefined;
    console.log(`\n${(statSync(input).size / 1e6).toFixed(0)} MB ${shape.name} CSV (${input}), median of ${repeat} interleaved rounds`);
    console.log(`${HEADER}  seconds over the rounds`);
    for (const run of timed) console.log(`${row(median(run))}  ${spread(runs.get(run) ?? [])}`);
    if (naiveResult) console.log(row(naiveResult));
    else console.log(`${'naive 1t'.padEnd(22)} skipped (standard shape up to 256 MB only; --naive-all runs it at every size)`);
    const duckRuns = (run: Run) => runs.get(run) ?? [];
    // Runs next to each other see the same phase of the machine: their speed against DuckDB's, round by round.
    const perRound = (ours: Run, duckdb: Run) =>
      duckRuns(ours)
        .map((r, i) => ((duckRuns(duckdb)[i] as ScenarioResult).seconds / r.seconds).toFixed(2))
        .join(' ');
    for (const { ours, duckdb } of pairs) {
      const [o, d] = [median(ours), median(duckdb)];
      const speed = mbps(o) / mbps(d);
      const size = o.outputBytes / d.outputBytes;
      const goal = ours.threads === 1 ? GOALS.oneThread : GOALS.nThreads;
      const rssGoal = ours.threads === 1 ? GOALS.peakRssMb : GOALS.peakRssNMb;
      console.log(
        `ours / DuckDB at ${ours.threads} thread${ours.threads > 1 ? 's' : ''}: ${speed.toFixed(2)}x speed (goal ${goal}x; per round: ${perRound(ours, duckdb)}), ${size.toFixed(2)}x size, peak RSS ${(o.peakRssBytes / MB).toFixed(0)} MiB (DuckDB ${(d.peakRssBytes / MB).toFixed(0)})`,
      );
      const where = `${shape.name} ${sizeMb} MB, ${ours.threads} thread${ours.threads > 1 ? 's' : ''}`;
      if (speed < goal) missed.push(`${where}: ${speed.toFixed(2)}x DuckDB (goal ${goal}x)`);
      if (size > GOALS.sizeVsDuckDb) missed.push(`${where}: output ${size.toFixed(2)}x DuckDB's (goal <= ${GOALS.sizeVsDuckDb}x)`);
      if (o.peakRssBytes / MB > rssGoal) missed.push(`${where}: peak RSS ${(o.peakRssBytes / MB).toFixed(0)} MiB (goal <= ${rssGoal})`);
    }
    if (naiveResult) {
      const o = median(pairs[0]?.ours as Run);
      console.log(
        `ours 1 thread / naive: ${(mbps(o) / mbps(naiveResult)).toFixed(1)}x speed, ${(o.outputBytes / naiveResult.outputBytes).toFixed(2)}x size`,
      );
    }
    const parseCastRun = timed[0] as Run;
    const parseCast = median(parseCastRun);
    const duckOne = pairs[0]?.duckdb as Run;
    const parseCastRatio = mbps(parseCast) / mbps(median(duckOne));
    const [low, high] = BASELINE_DUCKDB_MBPS.map((d) => parseCastRatio * d) as [number, number];
    console.log(
      `parse + cast: ${mbps(parseCast).toFixed(1)} MB/s here, ${parseCastRatio.toFixed(2)}x DuckDB's one-thread conversion (per round: ${perRound(parseCastRun, duckOne)})${shape.name === 'standard' ? `; on the baseline machine (DuckDB ${BASELINE_DUCKDB_MBPS.join('-')} MB/s) that is ${low.toFixed(0)}-${high.toFixed(0)} MB/s` : ''}`,
    );
    if (shape.name === 'standard' && mbps(parseCast) < GOALS.parseCastMbps)
      missed.push(
        `${shape.name} ${sizeMb} MB: parse + cast ${mbps(parseCast).toFixed(1)} MB/s measured, ${low.toFixed(0)} at the baseline machine's speed (goal >= ${GOALS.parseCastMbps})`,
      );
    // Every output of ours against DuckDB's one-thread reading: so also the N-thread output against the one-thread one.
    const reference = await checksums(shape, out(duckOne));
    for (const run of [...pairs.map((p) => p.ours), ...pairs.slice(1).map((p) => p.duckdb)]) {
      const sums = await checksums(shape, out(run));
      const same = JSON.stringify(sums) === JSON.stringify(reference);
      console.log(
        `verify ${label(run)}: row count and ${checksumColumns(shape).length} column checksums ${same ? "equal to DuckDB's at 1 thread" : `DIFFER: ${sums.join(',')} vs DuckDB ${reference.join(',')}`}`,
      );
      if (!same) missed.push(`${shape.name} ${sizeMb} MB: ${label(run)} output differs from DuckDB's`);
    }
  }
}

if (streamGb > 0) {
  const standard = shapeNamed('standard');
  const result = await child({ scenario: 'ours-stream', threads: 1 }, standard, '-', '-', streamGb * 1024 * MB);
  console.log(`\n${streamGb} GB streamed from the generator (not stored), output counted and dropped`);
  console.log(HEADER);
  console.log(row(result));
  if (result.peakRssBytes / MB > GOALS.peakRssMb)
    missed.push(`${streamGb} GB stream: peak RSS ${(result.peakRssBytes / MB).toFixed(0)} MiB (goal <= ${GOALS.peakRssMb})`);
}

console.log(missed.length === 0 ? '\ngoals: all met' : `\ngoals missed:\n  ${missed.join('\n  ')}`);
if (missed.length > 0) process.exitCode = 1;
