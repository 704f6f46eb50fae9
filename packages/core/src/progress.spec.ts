import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatProgress, startProgress } from './progress.js';
import { testContext } from './testing/index.js';

/** A stderr stand-in that records what is written; `isTTY` as a terminal would say. */
function stderr(isTTY: boolean): Writable & { isTTY: boolean; text: string } {
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.text += chunk.toString();
      callback();
    },
  }) as Writable & { isTTY: boolean; text: string };
  out.isTTY = isTTY;
  out.text = '';
  return out;
}

describe('startProgress', () => {
  it('redraws one line with rows, bytes and time on a terminal, and clears it when stopped', async () => {
    const { ctx } = testContext();
    ctx.counters.component('file', 'source').bytesIn = 2_500_000;
    ctx.counters.component('csv-parse', 'reader').rowsIn = 1500;
    const out = stderr(true);
    const stop = startProgress(ctx, out, { ttyIntervalMs: 5 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    stop();
    expect(out.text).toContain('\r\x1b[2K▸ 1,500 rows read');
    expect(out.text).toContain('2.5 MB');
    expect(out.text.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('names rejects only when there are some', () => {
    const base = { rowsRead: 10, rowsWritten: 8, bytesIn: 0, seconds: 3661, bytesPerSecond: 0, rowsPerSecond: 2.7 };
    expect(formatProgress({ ...base, rowsRejected: 2 })).toBe('▸ 10 rows read · 8 written · 2 rejected · 3 rows/s · 1:01:01');
    expect(formatProgress({ ...base, rowsRejected: 0 })).not.toContain('rejected');
  });
});
