import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordError, TerminalError, from, runPipeline, shardOf, type RunReport, type Stage } from '@etl/core';
import { MemorySink } from '@etl/core/testing';
import { defineJob, type JobDefinition } from './define-job.js';
import { arg, type ArgsShape } from './job-config.js';
import { runJob } from './run-job.js';

const base = mkdtempSync(join(tmpdir(), 'run-job-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function capture(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _e, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return Object.assign(out, { text: () => chunks.join('') });
}

const evens: Stage<number, number> = {
  name: 'evens-only',
  process(n) {
    if (n % 2 === 1) throw new RecordError({ code: 'CAST', reason: 'odd number', file: 'numbers', line: n + 1, raw: String(n) });
    return n;
  },
};

const numbersJob = defineJob({
  name: 'numbers',
  description: 'Counts to --count, rejecting odd numbers',
  args: { count: arg.positiveInt('How many numbers', 10), fail: arg.flag('Fail at the end') },
  async run(config, ctx) {
    const sink = new MemorySink<number>('numbers-sink');
    const source = {
      name: 'counter',
      open: async function* () {
        yield Array.from({ length: config.count }, (_, i) => i);
      },
    };
    await runPipeline(from(source).through(evens).into(sink), ctx);
    if (config.fail) throw new TerminalError('CONFIG', 'target table does not exist');
    return { outputs: { data: 'memory://numbers' } };
  },
});

async function run<S extends ArgsShape>(job: JobDefinition<S>, argv: string[], signal?: AbortSignal, env: NodeJS.ProcessEnv = {}) {
  const runOutput = join(base, `r${Math.random().toString(36).slice(2)}`);
  const stdout = capture();
  const stderr = capture();
  const code = await runJob(job, {
    // Half the numbers are rejected on purpose: past the default --max_reject_ratio (0.1).
    argv: [...argv, '--run_output', runOutput, ...(argv.includes('--max_reject_ratio') ? [] : ['--max_reject_ratio', '0.6'])],
    env,
    stdout,
    stderr,
    handleSignals: false,
    ...(signal ? { signal } : {}),
  });
  const runDirs = (() => {
    try {
      return readdirSync(runOutput);
    } catch {
      return [];
    }
  })();
  const runDir = runDirs[0] ? join(runOutput, runDirs[0]) : '';
  const report = runDir ? (JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as RunReport) : undefined;
  const logs = runDir
    ? readFileSync(join(runDir, 'logs.ndjson'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];
  return { code, stdout: stdout.text(), stderr: stderr.text(), report, logs, runDir };
}

describe('runJob', () => {
  it('runs, writes the report, exports the logs and the rejects, exit 0', async () => {
    const { code, report, logs, runDir, stdout, stderr } = await run(numbersJob, ['--count', '6']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(report).toMatchObject({ jobName: 'numbers', outcome: 'succeeded', rowsRead: 6, rowsWritten: 3, rowsRejected: 3 });
    expect(report?.peakRssBytes).toBeGreaterThan(0);
    expect(report?.outputs).toMatchObject({ data: 'memory://numbers' });
    expect(logs.every((l) => l['runId'] === report?.runId && l['job'] === 'numbers')).toBe(true);
    expect(stdout.split('\n').filter(Boolean)).toHaveLength(logs.length);
    expect(logs.at(-1)?.['msg']).toMatch(/^run succeeded: 6 rows read, 3 written, 3 rejected in \d+\.\d s$/);
    const rejects = readFileSync(join(runDir, 'rejects.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rejects.map((r) => r['line'])).toEqual([2, 4, 6]);
    expect(rejects[0]).toMatchObject({ code: 'CAST', reason: 'odd number', stage: 'evens-only', file: 'numbers' });
  });

  it('fails a run whose rejects are more than --max_reject_ratio of its records, before its sink commits', async () => {
    const { code, report, logs } = await run(numbersJob, ['--count', '10', '--max_reject_ratio', '0.1']);
    expect(code).toBe(1);
    expect(report).toMatchObject({ outcome: 'failed', error: { code: 'TOO_MANY_REJECTS' }, rowsRejected: 5 });
    expect(report?.components['numbers-sink']?.rowsOut).toBe(5); // written to the sink; its close (the commit) never ran
    expect(String(logs.find((l) => l['level'] === 'error')?.['msg'])).toMatch(
      /5 of 10 records of numbers-sink rejected \(50\.0%, more than --max_reject_ratio 0\.1\): nothing was published/,
    );
    // The closing line does not read as a load: what was written went nowhere.
    expect(logs.at(-1)?.['msg']).toMatch(/^run failed: 10 rows read, 5 written before it failed, 5 rejected in /);
  });

  it('names the job after --JOB_NAME, as Glue passes it', async () => {
    const { report } = await run(numbersJob, ['--JOB_NAME', 'nightly-numbers', '--count', '2']);
    expect(report?.jobName).toBe('nightly-numbers');
  });

  it('on failure still writes report and logs, exit 1, message without stack for user errors', async () => {
    const { code, report, logs, stderr, runDir } = await run(numbersJob, ['--count', '4', '--fail']);
    expect(code).toBe(1);
    // Off a terminal the log is JSON on stdout; stderr says why in one plain line.
    expect(stderr).toBe(`numbers: run failed: target table does not exist (report: ${join(runDir, 'report.json')})\n`);
    expect(report).toMatchObject({
      outcome: 'failed',
      error: { name: 'TerminalError', code: 'CONFIG', message: 'target table does not exist' },
    });
    const failure = logs.find((l) => l['level'] === 'error');
    expect(failure?.['msg']).toBe('run failed: target table does not exist');
    expect(JSON.stringify(failure)).not.toContain('at ');
  });

  it('says a reason of several lines on one line of stderr', async () => {
    const listing = defineJob({
      name: 'listing',
      description: 'Fails with a list of problems',
      args: {},
      async run() {
        throw new TerminalError('CONFIG', 'schema.csv has 2 problems:\n  line 2: no type\n  line 3: no name');
      },
    });
    const { code, stderr } = await run(listing, []);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^listing: run failed: schema\.csv has 2 problems: line 2: no type; line 3: no name \(report: .+\)\n$/);
  });

  it('warns when its rejects took more lines than they are rejects (a stray quote under the ratio)', async () => {
    const swallowing = defineJob({
      name: 'swallowing',
      description: 'Rejects a record that took 21 lines',
      args: {},
      async run(_config, ctx) {
        await ctx.rejects.write(
          new RecordError({ code: 'RAGGED_ROW', reason: 'expected 2 fields, found 3', file: 'in.csv', line: 20, lines: 21 }),
        );
        return {};
      },
    });
    const { code, logs } = await run(swallowing, []);
    expect(code).toBe(0);
    expect(logs.find((l) => l['level'] === 'warn')?.['msg']).toMatch(
      /^1 reject took 21 lines of input \(a stray quote swallows the lines up to the next quote or the end\): the rows on them were not loaded; see .+rejects\.ndjson$/,
    );
  });

  it('fails before running when its local run folder cannot be made (the data was published, then the report failed)', async () => {
    let ran = false;
    const publishing = defineJob({
      name: 'publishing',
      description: 'Would publish',
      args: {},
      async run() {
        ran = true;
        return {};
      },
    });
    const file = join(base, 'a-file');
    writeFileSync(file, 'x');
    const code = await runJob(publishing, {
      argv: ['--run_output', join(file, 'runs')],
      env: {},
      stdout: capture(),
      stderr: capture(),
      handleSignals: false,
    });
    expect(code).toBe(1);
    expect(ran).toBe(false);
  });

  it('a run that returns an error failed (exit 1, the error in the report) and keeps the figures it returned', async () => {
    const partly = defineJob({
      name: 'partly',
      description: 'Loads two items, one of which fails',
      args: {},
      async run() {
        await Promise.resolve();
        return {
          outputs: { items: 'memory://items.json' },
          figures: {
            items: [
              { item: 'a', rows: 3 },
              { item: 'b', failed: 'unreadable' },
            ],
          },
          error: new TerminalError('IO', '1 of 2 items failed (b: unreadable)'),
        };
      },
    });
    const { code, report, logs } = await run(partly, []);
    expect(code).toBe(1);
    expect(report).toMatchObject({
      outcome: 'failed',
      error: { code: 'IO', message: '1 of 2 items failed (b: unreadable)' },
      figures: {
        items: [
          { item: 'a', rows: 3 },
          { item: 'b', failed: 'unreadable' },
        ],
      },
      outputs: { items: 'memory://items.json' },
    });
    expect(logs.find((l) => l['level'] === 'error')?.['msg']).toBe('run failed: 1 of 2 items failed (b: unreadable)');
    // A job that throws keeps no figures, as before.
    expect((await run(numbersJob, ['--count', '4', '--fail'])).report?.figures).toBeUndefined();
  });

  it('bad arguments: every problem on stderr, exit 2, nothing run', async () => {
    const { code, stderr, report } = await run(numbersJob, ['--count', 'many', '--colour', 'red']);
    expect(code).toBe(2);
    expect(stderr).toContain('numbers: invalid arguments');
    expect(stderr).toContain('--colour: unknown argument');
    expect(stderr).toContain('--count:');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(report).toBeUndefined();
  });

  it('as an AWS Batch array job child: the job gets its shard, the report and the first log line name it', async () => {
    const owned: string[] = [];
    const lettersJob = defineJob({
      name: 'letters',
      description: 'Keeps the letters its shard owns',
      args: {},
      async run(_config, _ctx, { shard }) {
        owned.push(...['a', 'b', 'c', 'd', 'e', 'f'].filter((name) => shard.owns(name)));
      },
    });
    const env = { AWS_BATCH_JOB_ARRAY_INDEX: '1', AWS_BATCH_JOB_ARRAY_SIZE: '2' };
    const { code, report, logs } = await run(lettersJob, [], undefined, env);
    expect(code).toBe(0);
    expect(report?.shard).toEqual({ index: 1, size: 2 });
    expect(logs[0]).toMatchObject({ shard: { index: 1, size: 2 } });
    expect(owned).toEqual(['a', 'b', 'c', 'd', 'e', 'f'].filter((name) => shardOf(name, 2) === 1));
    expect(owned.length).toBeGreaterThan(0);
    // Without the variables: the whole run, and the report says nothing of shards.
    owned.length = 0;
    const whole = await run(lettersJob, []);
    expect(whole.report?.shard).toBeUndefined();
    expect(owned).toHaveLength(6);
  });

  it('refuses bad array variables with exit 2 naming the variable, nothing run', async () => {
    const { code, stderr, report } = await run(numbersJob, ['--count', '2'], undefined, {
      AWS_BATCH_JOB_ARRAY_INDEX: '2',
      AWS_BATCH_JOB_ARRAY_SIZE: '2',
    });
    expect(code).toBe(2);
    expect(stderr).toContain(
      'numbers: invalid array job environment\n  AWS_BATCH_JOB_ARRAY_INDEX: 2 is not below AWS_BATCH_JOB_ARRAY_SIZE 2',
    );
    expect(report).toBeUndefined();
  });

  it('--help prints the arguments, exit 0', async () => {
    const { code, stdout } = await run(numbersJob, ['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--count');
    expect(stdout).toContain('--run_output');
  });

  it('--max_rejects: stops the run once exceeded, the sink aborts instead of committing, exit 1', async () => {
    const sink = new MemorySink<number>('guarded');
    const guardedJob = defineJob({
      name: 'guarded',
      description: 'rejects odd numbers',
      args: {},
      async run(_config, ctx) {
        const source = {
          name: 'counter',
          open: async function* () {
            for (let i = 0; i < 50; i++) yield [i];
          },
        };
        await runPipeline(
          from(source)
            .through(evens)
            .into(sink, { sinkOptions: { maxItems: 1000 } }),
          ctx,
        );
      },
    });
    const { code, report } = await run(guardedJob, ['--max_rejects', '2']);
    expect(code).toBe(1);
    expect(report).toMatchObject({ outcome: 'failed', error: { code: 'TOO_MANY_REJECTS' } });
    expect(report?.error?.message).toMatch(/^3 records rejected, more than --max_rejects 2/);
    expect(sink.closed).toBe(false);
    expect(sink.aborted).toBeDefined();
  });

  it('abort: outcome aborted, exit 1, report still written', async () => {
    const controller = new AbortController();
    const slowJob = defineJob({
      name: 'slow',
      description: 'waits for abort',
      args: {},
      async run(_config, ctx) {
        const source = {
          name: 'forever',
          open: async function* () {
            for (let i = 0; ; i++) {
              if (i === 3) controller.abort();
              yield [i];
              await new Promise((r) => setTimeout(r, 5));
            }
          },
        };
        await runPipeline(from(source).into(new MemorySink<number>()), ctx);
      },
    });
    const { code, report, stderr } = await run(slowJob, [], controller.signal);
    expect(code).toBe(1);
    expect(report?.outcome).toBe('aborted');
    expect(stderr).toMatch(/^slow: run aborted: .+ \(report: .+report\.json\)\n$/);
  });
});
