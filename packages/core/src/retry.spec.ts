import { describe, expect, it } from 'vitest';
import { TerminalError, TransientError } from './errors.js';
import { backoffDelayMs, retry } from './retry.js';
import { manualClock } from './testing/index.js';

const throttled = () => new TransientError('THROTTLED', 'throttled');

describe('retry', () => {
  it('retries transient failures and returns the first success', async () => {
    const clock = manualClock();
    let calls = 0;
    const result = await retry(
      async () => {
        if (++calls < 3) throw throttled();
        return 'ok';
      },
      { clock, random: () => 1 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(clock.slept).toEqual([200, 400]);
  });

  it('fails at once on a terminal error', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new TerminalError('CONFIG', 'bucket does not exist');
        },
        { clock: manualClock() },
      ),
    ).rejects.toThrow('bucket does not exist');
    expect(calls).toBe(1);
  });

  it('gives up after maxAttempts with the last error', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw throttled();
        },
        { clock: manualClock(), policy: { maxAttempts: 4 } },
      ),
    ).rejects.toThrow('throttled');
    expect(calls).toBe(4);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    let calls = 0;
    await expect(
      retry(
        async () => {
          if (++calls === 2) controller.abort();
          throw throttled();
        },
        { clock: manualClock(), signal: controller.signal },
      ),
    ).rejects.toThrow();
    expect(calls).toBe(2);
  });
});

describe('backoffDelayMs', () => {
  const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };

  it('doubles the ceiling per attempt up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelayMs(a, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('spreads delays over [0, ceiling) with full jitter', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(200);
  });
});
