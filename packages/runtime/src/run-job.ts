import type { Writable } from 'node:stream';
import {
  EtlError,
  LogSpool,
  makeFolders,
  SWALLOWED_LINES,
  TerminalError,
  buildRunReport,
  createLogger,
  createRunContext,
  describeError,
  abortCause,
  rejectsUpTo,
  newRunId,
  startProgress,
  type Clock,
  type RunReport,
} from '@etl/core';
import { createObjectStore, joinUri, objectRejects, parseObjectUri, probeWritable, type ObjectStore } from '@etl/object-store';
import { commonArgs } from './common-args.js';
import { shardFromEnv } from './array-shard.js';
import { createConnections } from './connections.js';
import type { CheckDeps, JobDefinition, JobResult, RunOutputs } from './define-job.js';
import { formatHelp, resolveJobConfig, type ArgsShape } from './job-config.js';
import { handleShutdownSignals } from './shutdown-signals.js';

export interface JobIo {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  /** Defaults to the router over S3 and local files, configured from `env`. */
  objects?: ObjectStore;
  /** Listen for SIGINT/SIGTERM (off in tests that run several jobs in one process). */
  handleSignals?: boolean;
  signal?: AbortSignal;
  clock?: Clock;
}

export const exitCodes = { succeeded: 0, failed: 1, badArguments: 2 } as const;

/** Codes of failures the user causes and can fix: logged as a message, without a stack trace. */
const USER_ERROR_CODES = new Set(['BAD_ARGUMENT', 'CONFIG', 'NOT_FOUND', 'ACCESS_DENIED', 'BAD_INPUT', 'TOO_MANY_REJECTS']);

/**
 * Runs a job the same way everywhere (laptop, container, AWS Batch): validate arguments, log with
 * run id, show progress, stop cleanly on signals, and always write the run report and export the
 * logs, success or failure. Resolves to the process exit code.
 */
export async function runJob<S extends ArgsShape>(job: JobDefinition<S>, io: JobIo): Promise<number> {
  const shape = { ...commonArgs, ...job.args };
  if (io.argv.includes('--help') || io.argv.includes('-h')) {
    io.stdout.write(formatHelp(job.name, job.description, shape));
    return exitCodes.succeeded;
  }
  // Arguments that say where a run's state goes, not what data it loads: with only these, it is the
  // sample. Not --JOB_NAME: AWS Glue passes it to every run, and a real run must never become the sample.
  const runArgs = [...Object.keys(commonArgs).filter((name) => name !== 'JOB_NAME'), ...(job.runOutputArg ? [job.runOutputArg] : [])];
  const resolved = resolveJobConfig(shape, io.argv, io.env, { runArgs });
  const sharding = shardFromEnv(io.env);
  if (!resolved.ok)
    io.stderr.write(
      `${job.name}: invalid arguments\n${resolved.problems.map((p) => `  ${p}`).join('\n')}\nRun with --help to see every argument.\n`,
    );
  if (!sharding.ok) io.stderr.write(`${job.name}: invalid array job environment\n${sharding.problems.map((p) => `  ${p}`).join('\n')}\n`);
  if (!resolved.ok || !sharding.ok) return exitCodes.badArguments;
  const { shard } = sharding;
  const shardNamed = sharding.sharded ? { index: shard.index, size: shard.size } : undefined;
  const config = resolved.config as typeof resolved.config & {
    JOB_NAME?: string;
    run_output?: string;
    local_dir: string;
    max_rejects?: number;
    max_reject_ratio?: number;
    log_level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
    sample?: boolean;
  };
  const jobOutput = job.runOutputArg ? (config as Record<string, unknown>)[job.runOutputArg] : undefined;
  if (typeof jobOutput === 'string' && config.run_output !== undefined && config.run_output !== jobOutput) {
    io.stderr.write(
      `${job.name}: invalid arguments\n  --run_output and --${job.runOutputArg} name different places (${config.run_output}, ${jobOutput}); give one\n`,
    );
    return exitCodes.badArguments;
  }
  const objects = io.objects ?? createObjectStore({ env: io.env });
  const refused = job.check ? await checkJob(job, resolved.config as Parameters<typeof job.run>[0], { objects, env: io.env }) : [];
  if (refused.length > 0) {
    io.stderr.write(`${job.name}: cannot start\n${refused.map((p) => `  ${p}`).join('\n')}\nNothing was changed.\n`);
    return exitCodes.badArguments;
  }
  const jobName = config.JOB_NAME ?? job.name;
  const runId = newRunId(io.clock);
  const spool = new LogSpool();
  const logger = createLogger({
    runId,
    jobName,
    level: config.log_level,
    pretty: io.stdout.isTTY === true,
    destination: io.stdout,
    copies: [spool.stream],
  });
  const controller = new AbortController();
  const signal = io.signal ? AbortSignal.any([io.signal, controller.signal]) : controller.signal;
  const disposeSignals = io.handleSignals === false ? () => undefined : handleShutdownSignals(controller, logger);
  const outputs = runOutputs(
    config.run_output ?? (typeof jobOutput === 'string' ? jobOutput : `${config.local_dir}/runs/${jobName}`),
    runId,
  );
  const connections = createConnections({ env: io.env, logger, objects, localDir: config.local_dir });
  const rejects = rejectsUpTo(
    objectRejects(objects, outputs.rejects),
    config.max_rejects,
    controller,
    (count) =>
      `${count} ${count === 1 ? 'record' : 'records'} rejected, more than --max_rejects ${config.max_rejects}: stopped without publishing; see ${outputs.rejects}`,
  );
  // The bundled samples carry bad rows on purpose (to show rejects): there only a run that rejects
  // everything fails, unless --max_reject_ratio is given.
  const maxRejectRatio = config.max_reject_ratio ?? (resolved.sample ? 1 : 0.1);
  const ctx = createRunContext({ jobName, runId, logger, rejects, signal, maxRejectRatio, ...(io.clock ? { clock: io.clock } : {}) });
  const started = { startedAt: ctx.clock.now(), startedMs: ctx.clock.monotonicMs() };
  const stopProgress = startProgress(ctx, io.stderr);

  let error: unknown;
  let result: JobResult = {};
  logger.info(
    {
      args: withoutSampleFlag(config),
      ignoredGlueArgs: resolved.ignored,
      sample: resolved.sample,
      outputs,
      ...(shardNamed ? { shard: shardNamed } : {}),
    },
    `run ${runId} of ${jobName}${shardNamed ? ` (shard ${shard.index} of ${shard.size}: indexes 0 to ${shard.size - 1})` : ''} started${resolved.sample ? ` on the bundled sample (${config.sample ? '--sample' : 'no arguments given'}; name the data to load real data)` : ''}`,
  );
  try {
    // A run whose report and logs could not be written must not load first: a local run folder is made
    // now, an S3 one is probed, so an unwritable --run_output fails the run before anything is published.
    const runDir = parseObjectUri(outputs.runDir);
    if (runDir.scheme === 'file') await makeFolders(runDir.path);
    else await probeWritable(objects, outputs.runDir, { signal });
    result =
      (await job.run(resolved.config as Parameters<typeof job.run>[0], ctx, { objects, connections, outputs, env: io.env, shard })) ?? {};
    error = result.error; // failed with its figures (per-item isolation)
  } catch (caught) {
    error = abortCause(caught, signal); // why the run was aborted: a signal, or too many rejects
  } finally {
    stopProgress();
  }
  if (rejects.weight > rejects.count)
    // Under the ratio, yet rows may be lost with them: a stray quote swallows the lines up to the next quote.
    logger.warn(
      { rejects: rejects.count, linesRejected: rejects.weight },
      `${rejects.count} ${rejects.count === 1 ? 'reject' : 'rejects'} took ${rejects.weight} lines of input (${SWALLOWED_LINES}): the rows on them were not loaded; see ${outputs.rejects}`,
    );
  try {
    await rejects.close();
  } catch (caught) {
    error ??= caught;
  }
  try {
    await connections.close();
  } catch (caught) {
    error ??= caught;
  }

  const report = buildRunReport(ctx, {
    ...started,
    ...(error === undefined ? {} : { error }),
    ...(result.figures ? { figures: result.figures } : {}),
    ...(shardNamed ? { shard: shardNamed } : {}),
    outputs: { ...result.outputs, report: outputs.report, logs: outputs.logs, ...(rejects.count > 0 ? { rejects: outputs.rejects } : {}) },
  });
  const ending = logOutcome(logger, report, error);
  const reportWritten = await persist(objects, outputs, report, spool, logger, io.stderr);
  // Off a terminal the log is JSON on stdout: a run that did not succeed also says why on stderr, in
  // one plain line, as a refusal does (on a terminal the pretty log has just said it).
  if (ending && io.stdout.isTTY !== true)
    io.stderr.write(`${job.name}: ${oneLine(ending)}${reportWritten ? ` (report: ${outputs.report})` : ''}\n`);
  disposeSignals();
  return report.outcome === 'succeeded' ? exitCodes.succeeded : exitCodes.failed;
}

/** The job's own checks, before anything is opened or written; a check that throws is a problem too. */
async function checkJob<S extends ArgsShape>(
  job: JobDefinition<S>,
  config: Parameters<JobDefinition<S>['run']>[0],
  deps: CheckDeps,
): Promise<string[]> {
  try {
    return (await job.check?.(config, deps)) ?? [];
  } catch (error) {
    return [describeError(error).message];
  }
}

export function runOutputs(prefix: string, runId: string): RunOutputs {
  const runDir = joinUri(prefix, runId);
  return {
    runDir,
    report: joinUri(runDir, 'report.json'),
    logs: joinUri(runDir, 'logs.ndjson'),
    rejects: joinUri(runDir, 'rejects.ndjson'),
  };
}

/** Logs how the run ended; returns what a run that did not succeed says of it (`run failed: <why>`). */
function logOutcome(logger: ReturnType<typeof createLogger>, report: RunReport, error: unknown): string | undefined {
  let ending: string | undefined;
  if (error !== undefined) {
    const described = describeError(error);
    ending = `run ${report.outcome}: ${described.message}`;
    const userError = error instanceof EtlError && USER_ERROR_CODES.has(error.code);
    if (report.outcome === 'aborted') logger.warn({ error: described }, ending);
    else if (userError || error instanceof TerminalError) logger.error({ error: described }, ending);
    else logger.error({ err: error }, ending);
  }
  logger.debug({ report }, 'run report');
  const { outcome, rowsRead, rowsWritten, rowsRejected, rowsDropped, durationMs, peakRssBytes, outputs, components } = report;
  // With two outputs (DynamoDB and Parquet) every row is written twice: each output's rows, not their
  // sum, which reads as more rows written than read; past three outputs (tables' datasets) their count.
  const sinks = Object.entries(components).filter(([, m]) => m.role === 'sink');
  const written =
    sinks.length <= 1
      ? `${rowsWritten} written`
      : sinks.length <= 3
        ? sinks.map(([name, m], i) => `${m.rowsOut} ${i === 0 ? 'written to' : 'to'} ${name}`).join(', ')
        : `${rowsWritten} written over ${sinks.length} outputs (each one's rows in the report)`;
  logger.info(
    {
      outcome,
      rowsRead,
      rowsWritten,
      rowsRejected,
      rowsDropped,
      durationMs,
      peakRssBytes,
      report: outputs['report'],
      ...(outputs['rejects'] ? { rejects: outputs['rejects'] } : {}),
    },
    // Dropped: rows a stage or sink chose not to pass on (a repeated key, an unchanged item), so the figures add up.
    // A run that did not succeed wrote what it wrote before it ended, and published none of it but what cannot be taken back (DynamoDB items).
    `run ${outcome}: ${rowsRead} rows read, ${written}${outcome === 'succeeded' ? '' : ` before it ${outcome === 'aborted' ? 'stopped' : 'failed'}`}, ${rowsRejected} rejected${rowsDropped > 0 ? `, ${rowsDropped} not written on purpose (repeated keys, unchanged items, filtered rows)` : ''} in ${(durationMs / 1000).toFixed(1)} s`,
  );
  return ending;
}

/**
 * The report and the exported logs are written on every outcome; failing to write them is reported,
 * not fatal. Resolves to whether the report was written.
 */
async function persist(
  objects: ObjectStore,
  outputs: RunOutputs,
  report: RunReport,
  spool: LogSpool,
  logger: ReturnType<typeof createLogger>,
  stderr: Writable,
): Promise<boolean> {
  let written = true;
  try {
    await objects.put(outputs.report, `${JSON.stringify(report, null, 2)}\n`, { contentType: 'application/json' });
  } catch (error) {
    written = false;
    logger.error({ error: describeError(error) }, `could not write the run report to ${outputs.report}`);
  }
  try {
    await objects.put(outputs.logs, spool.read(), { contentType: 'application/x-ndjson' });
  } catch (error) {
    stderr.write(`could not export the run's logs to ${outputs.logs}: ${describeError(error).message}\n`);
  } finally {
    spool.dispose();
  }
  return written;
}

/** A reason written over several lines (a list of problems) as one: `problems:\n  a\n  b` -> `problems: a; b`. */
function oneLine(text: string): string {
  return text.replace(/(:?)\s*\n\s*/g, (_, colon: string) => (colon ? ': ' : '; '));
}

/** For a pipeline's `main.ts`: run with the process's arguments and environment, then exit with the code. */
export function runMain<S extends ArgsShape>(job: JobDefinition<S>): void {
  // The AWS SDK is pinned to the last releases that support Node 20 (see README); without this it
  // prints a Node-version warning on stderr in every run.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  runJob(job, { argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${job.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(exitCodes.failed);
    },
  );
}

/** The arguments as the start line shows them: `--sample` is said once, as the run's `sample` (asked for or implied). */
function withoutSampleFlag(config: Record<string, unknown>): Record<string, unknown> {
  const { sample: _sample, ...args } = config;
  return args;
}
