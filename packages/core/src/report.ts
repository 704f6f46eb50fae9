import { readFileSync } from 'node:fs';
import type { RunContext } from './context.js';
import type { ComponentMetrics, RunTotals } from './counters.js';
import { describeError, isAbortError } from './errors.js';

export type RunOutcome = 'succeeded' | 'failed' | 'aborted';

/** The JSON written at the end of every run, success or failure. */
export interface RunReport extends RunTotals {
  runId: string;
  jobName: string;
  outcome: RunOutcome;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  peakRssBytes: number;
  components: Record<string, ComponentMetrics>;
  metrics: Record<string, number>;
  /** Where the run's outputs went (report, logs, rejects, data), by name. */
  outputs: Record<string, string>;
  /** What the job itself counted (tables, items new/changed, files loaded …), as its `run` returned it. */
  figures?: Record<string, unknown>;
  /** The shard of an array job this run was (`AWS_BATCH_JOB_ARRAY_INDEX` of `…_SIZE`); absent for a whole run. */
  shard?: { index: number; size: number };
  error?: { name: string; code?: string; message: string };
}

export function outcomeOf(error: unknown): RunOutcome {
  if (error === undefined) return 'succeeded';
  return isAbortError(error) ? 'aborted' : 'failed';
}

/**
 * Peak resident set size of this process so far, in bytes. On Linux this is `VmHWM` of the process's
 * own address space: `getrusage`'s `maxRSS` survives `exec`, so a child spawned by a large parent
 * would report the parent's size (seen here: 337 MB instead of 167 MB).
 */
export function peakRssBytes(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kib = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
    if (kib) return Number(kib) * 1024;
  } catch {
    /* not Linux */
  }
  return process.resourceUsage().maxRSS * 1024;
}

export function buildRunReport(
  ctx: RunContext,
  run: {
    startedAt: Date;
    startedMs: number;
    error?: unknown;
    outputs?: Record<string, string>;
    figures?: Record<string, unknown>;
    shard?: { index: number; size: number };
  },
): RunReport {
  const endedMs = ctx.clock.monotonicMs();
  return {
    runId: ctx.runId,
    jobName: ctx.jobName,
    outcome: outcomeOf(run.error),
    startedAt: run.startedAt.toISOString(),
    endedAt: ctx.clock.now().toISOString(),
    durationMs: Math.round(endedMs - run.startedMs),
    peakRssBytes: peakRssBytes(),
    ...ctx.counters.totals(),
    components: ctx.counters.snapshotComponents(),
    metrics: ctx.counters.snapshotMetrics(),
    outputs: run.outputs ?? {},
    ...(run.figures === undefined ? {} : { figures: run.figures }),
    ...(run.shard === undefined ? {} : { shard: run.shard }),
    ...(run.error === undefined ? {} : { error: describeError(run.error) }),
  };
}
