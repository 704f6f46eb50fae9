import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { Counters } from './counters.js';
import type { Logger } from './logging/create-logger.js';
import type { RejectOutput } from './rejects.js';
import { countingRejects } from './rejects.js';

/** Everything a component may need about the run it is part of. */
export interface RunContext {
  readonly runId: string;
  readonly jobName: string;
  readonly logger: Logger;
  readonly counters: Counters;
  readonly clock: Clock;
  /** Fires on SIGINT/SIGTERM or when another part of the run failed; every await should honour it. */
  readonly signal: AbortSignal;
  /** Quarantine output for bad records. */
  readonly rejects: RejectOutput;
  /**
   * A run whose rejected records are more than this share of its records (or all of them) fails
   * before its sinks commit (`checkRejectRatio`). Undefined: no limit.
   */
  readonly maxRejectRatio?: number | undefined;
}

export interface RunContextInit {
  jobName: string;
  logger: Logger;
  runId?: string;
  counters?: Counters;
  clock?: Clock;
  signal?: AbortSignal;
  rejects?: RejectOutput;
  maxRejectRatio?: number;
}

/**
 * A sortable run id, `20261207T094812345Z-1a2b3c4d`: UTC time to the millisecond first (runs list in
 * the order they started: to the second only, two runs started in one second sorted by their random
 * part, and a "latest run" query could pick the older), then randomness.
 */
export function newRunId(clock: Clock = systemClock): string {
  const stamp = clock.now().toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${randomUUID().slice(0, 8)}`;
}

/** With milliseconds (`newRunId` since 2026-12-07) or without (ids made before, still read). */
const RUN_ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})?Z-[0-9a-f]{8}$/i;

/** When a run started, read back from an id `newRunId` made (any case); undefined for any other id. */
export function runStartedAt(runId: string): Date | undefined {
  const m = RUN_ID.exec(runId);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, ms = 0] = m.slice(1).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const at = new Date(Date.UTC(y as number, (mo as number) - 1, d, h, mi, s, ms));
  // Date.UTC rolls a 13th month or a 99th day over into a real date: such an id is not a stamp.
  const digits = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return digits === m.slice(1, 7).join('') ? at : undefined;
}

export function createRunContext(init: RunContextInit): RunContext {
  const clock = init.clock ?? systemClock;
  const counters = init.counters ?? new Counters();
  return {
    runId: init.runId ?? newRunId(clock),
    jobName: init.jobName,
    logger: init.logger,
    counters,
    clock,
    signal: init.signal ?? new AbortController().signal,
    rejects: init.rejects ?? countingRejects(),
    ...(init.maxRejectRatio === undefined ? {} : { maxRejectRatio: init.maxRejectRatio }),
  };
}
