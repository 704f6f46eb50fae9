import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { TerminalError } from './errors.js';
import { fanOut } from './fan-out.js';
import { sinkWritable } from './sink-writable.js';
import { MemorySink, testContext } from './testing/index.js';

describe('fanOut', () => {
  it('delivers every batch to every target and commits both', async () => {
    const { ctx } = testContext();
    const a = new MemorySink<number>('dynamodb');
    const b = new MemorySink<number>('parquet', 2);
    await pipeline(Readable.from([[1, 2], [3], [4, 5]]), fanOut([sinkWritable(a, ctx), sinkWritable(b, ctx)]));
    expect(a.rows).toEqual([1, 2, 3, 4, 5]);
    expect(b.rows).toEqual([1, 2, 3, 4, 5]);
    expect(a.closed && b.closed).toBe(true);
  });

  it('fails all targets when one fails', async () => {
    const { ctx } = testContext();
    const good = new MemorySink<number>('good');
    const bad = new MemorySink<number>('bad').failNext(() => new TerminalError('ACCESS_DENIED', 'denied'));
    await expect(
      pipeline(Readable.from([[1], [2], [3]]), fanOut([sinkWritable(good, ctx, { maxItems: 1 }), sinkWritable(bad, ctx, { maxItems: 1 })])),
    ).rejects.toThrow('denied');
    expect(good.closed).toBe(false);
    expect(good.aborted).toBeDefined();
  });

  it('commits the targets in order: one failing at its commit leaves the later ones uncommitted', async () => {
    const { ctx } = testContext();
    // The first target fails only when it commits (its last writes), as DynamoDB's final batches can.
    const first = new MemorySink<number>('dynamodb');
    first.close = () => Promise.reject(new TerminalError('UNAVAILABLE', 'last batch failed'));
    const second = new MemorySink<number>('parquet');
    await expect(pipeline(Readable.from([[1], [2]]), fanOut([sinkWritable(first, ctx), sinkWritable(second, ctx)]))).rejects.toThrow(
      'last batch failed',
    );
    expect(second.closed).toBe(false);
    expect(second.aborted).toBeDefined();
  });
});
