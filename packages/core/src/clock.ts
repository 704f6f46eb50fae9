import { setTimeout as delay } from 'node:timers/promises';

/** Time as the pipeline sees it; injectable so tests control "now" and never really sleep. */
export interface Clock {
  now(): Date;
  /** Monotonic milliseconds, for durations and rates. */
  monotonicMs(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined),
};
