import { countingRejects, createLogger, createRunContext, newRunId, type Logger, type RejectOutput, type RunContext } from '@etl/core';

/** Warnings and errors as JSON lines on stderr (`LOG_LEVEL` for more): stdout is the command's output. */
export function stderrLogger(jobName: string, runId = newRunId()): Logger {
  return createLogger({
    runId,
    jobName,
    level: (process.env['LOG_LEVEL'] as 'info' | undefined) ?? 'warn',
    destination: process.stderr,
  });
}

/** A run for one command: logs on stderr, stopped by SIGINT or SIGTERM through `abort`. */
export function runContext(jobName: string, rejects: RejectOutput = countingRejects(), abort = new AbortController()): RunContext {
  const runId = newRunId();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort(new Error(`stopped by ${signal}`)));
  return createRunContext({ jobName, runId, logger: stderrLogger(jobName, runId), rejects, signal: abort.signal });
}
