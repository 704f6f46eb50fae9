import { Writable } from 'node:stream';
import type { Clock } from '../clock.js';
import { createRunContext, type RunContext } from '../context.js';
import { createLogger } from '../logging/create-logger.js';
import { countingRejects } from '../rejects.js';

/** A clock whose sleeps resolve at once and advance "now": retry delays cost nothing in tests. */
export function manualClock(start = new Date('2026-01-01T00:00:00Z')): Clock & { slept: number[] } {
  let nowMs = start.getTime();
  const slept: number[] = [];
  return {
    slept,
    now: () => new Date(nowMs),
    monotonicMs: () => nowMs,
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      slept.push(ms);
      nowMs += ms;
    },
  };
}

/** Captures log lines as parsed JSON objects. */
export function memoryLogSink(): Writable & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return Object.assign(sink, { lines });
}

/** A run context for tests: JSON logs captured in memory, a manual clock and counting rejects. */
export function testContext(overrides: { signal?: AbortSignal; clock?: Clock; jobName?: string; runId?: string } = {}) {
  const logs = memoryLogSink();
  const rejects = countingRejects(1000);
  const runId = overrides.runId ?? 'run-test';
  const ctx: RunContext = createRunContext({
    jobName: overrides.jobName ?? 'test-job',
    runId,
    logger: createLogger({ runId, jobName: overrides.jobName ?? 'test-job', level: 'debug', destination: logs }),
    clock: overrides.clock ?? manualClock(),
    rejects,
    ...(overrides.signal ? { signal: overrides.signal } : {}),
  });
  return { ctx, logs, rejects };
}

export { MemorySink } from './sinks.js';
