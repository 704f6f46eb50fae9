import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { isAbortError, isTransient } from './errors.js';

export interface RetryPolicy {
  /** Attempts in total, the first included. 1 disables retrying. */
  maxAttempts: number;
  /** Delay before the first retry; doubles on each further one. */
  baseDelayMs: number;
  /** Upper bound of one delay. */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 20_000 };

/**
 * "Full jitter" exponential backoff: a uniformly random delay in [0, min(max, base * 2^(attempt-1))].
 * Spreads retries of many workers that failed together (throttling) instead of syncing them.
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export interface RetryOptions {
  policy?: Partial<RetryPolicy>;
  clock?: Clock;
  signal?: AbortSignal;
  random?: () => number;
  /** Defaults to `isTransient`. */
  shouldRetry?: (error: unknown) => boolean;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/** Runs `operation` until it succeeds, fails terminally, runs out of attempts, or the signal aborts. */
export async function retry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = { ...defaultRetryPolicy, ...options.policy };
  const clock = options.clock ?? systemClock;
  const shouldRetry = options.shouldRetry ?? isTransient;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= policy.maxAttempts || isAbortError(error) || !shouldRetry(error)) throw error;
      const delayMs = backoffDelayMs(attempt, policy, options.random);
      options.onRetry?.({ attempt, delayMs, error });
      await clock.sleep(delayMs, options.signal);
    }
  }
}
