import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { PartialBatchError, RecordError, TerminalError, TransientError } from './errors.js';
import { sinkWritable } from './sink-writable.js';
import { MemorySink, testContext } from './testing/index.js';

const batches = (count: number, size: number) =>
  Array.from({ length: count }, (_, b) => Array.from({ length: size }, (_, i) => ({ id: b * size + i, name: 'x' })));

describe('sinkWritable', () => {
  it('re-batches records to maxItems and commits once at the end', async () => {
    const { ctx } = testContext();
    const sink = new MemorySink<{ id: number }>();
    await pipeline(Readable.from(batches(7, 3)), sinkWritable(sink, ctx, { maxItems: 5 }));
    expect(sink.batches.map((b) => b.length)).toEqual([5, 5, 5, 5, 1]);
    expect(sink.rows.map((r) => r.id)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(sink.closed).toBe(true);
    expect(sink.aborted).toBeUndefined();
    expect(ctx.counters.component('memory')).toMatchObject({ role: 'sink', rowsIn: 21, rowsOut: 21 });
  });

  it('cuts a batch at maxBytes', async () => {
    const { ctx } = testContext();
    const sink = new MemorySink<string>();
    await pipeline(Readable.from([['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee']]), sinkWritable(sink, ctx, { maxItems: 100, maxBytes: 8 }));
    expect(sink.batches).toEqual([['aaaa', 'bbbb'], ['cccc', 'dddd'], ['eeee']]);
  });

  it('never has more than maxInFlight batches being written', async () => {
    const { ctx } = testContext();
    const sink = new MemorySink<{ id: number }>('slow', 5);
    await pipeline(Readable.from(batches(40, 10)), sinkWritable(sink, ctx, { maxItems: 10, maxInFlight: 3 }));
    expect(sink.maxObservedInFlight).toBe(3);
    expect(sink.rows).toHaveLength(400);
  });

  it('flush() resolves once everything written before it is written, partial batch included', async () => {
    const { ctx } = testContext();
    const sink = new MemorySink<{ id: number }>('slow', 5);
    const writable = sinkWritable(sink, ctx, { maxItems: 4, maxInFlight: 2 });
    for (const batch of batches(3, 3)) writable.write(batch);
    await writable.flush();
    expect(sink.rows.map((r) => r.id)).toEqual(Array.from({ length: 9 }, (_, i) => i));
    expect(sink.batches.map((b) => b.length)).toEqual([4, 4, 1]);
    expect(sink.closed).toBe(false);
    writable.end(batches(1, 2)[0]);
    await new Promise((resolve) => writable.on('finish', resolve));
    expect(sink.rows).toHaveLength(11);
    expect(sink.closed).toBe(true);
  });

  it('flush() rejects when the sink has failed', async () => {
    const { ctx } = testContext();
    const sink = new MemorySink<{ id: number }>().failNext(() => new TerminalError('ACCESS_DENIED', 'AccessDenied'));
    const writable = sinkWritable(sink, ctx, { maxItems: 2 });
    writable.on('error', () => undefined);
    writable.write(batches(1, 3)[0]);
    await expect(writable.flush()).rejects.toThrow('AccessDenied');
  });

  it('retries a transient failure and writes the batch once', async () => {
    const { ctx, logs } = testContext();
    const sink = new MemorySink<{ id: number }>().failNext(() => new TransientError('THROTTLED', 'SlowDown'));
    await pipeline(Readable.from(batches(2, 2)), sinkWritable(sink, ctx, { maxItems: 2, maxInFlight: 1 }));
    expect(sink.rows.map((r) => r.id)).toEqual([0, 1, 2, 3]);
    expect(logs.lines.some((l) => l['msg'] === 'retrying batch write')).toBe(true);
  });

  it('retries only the pending items of a partial failure', async () => {
    const { ctx } = testContext();
    const sink = new MemorySink<{ id: number }>().failNext((batch) => new PartialBatchError(batch.slice(2)));
    await pipeline(Readable.from(batches(1, 5)), sinkWritable(sink, ctx, { maxItems: 5 }));
    // The first attempt "accepted" ids 0-1 (a real sink would have stored them); only 2-4 are sent again.
    expect(sink.batches.map((b) => b.map((r) => r.id))).toEqual([[2, 3, 4]]);
    expect(ctx.counters.component('memory').rowsOut).toBe(5);
  });

  it('fails on a terminal error, aborts the sink and never commits', async () => {
    const { ctx } = testContext();
    const sink = new MemorySink<{ id: number }>().failNext(() => new TerminalError('ACCESS_DENIED', 'AccessDenied'));
    await expect(pipeline(Readable.from(batches(5, 5)), sinkWritable(sink, ctx, { maxItems: 5 }))).rejects.toThrow('AccessDenied');
    expect(sink.closed).toBe(false);
    expect(sink.aborted).toBeInstanceOf(TerminalError);
  });

  it('recovers after several transient failures in a row (sad to good)', async () => {
    const { ctx } = testContext();
    const fail = () => new TransientError('UNAVAILABLE', '503');
    const sink = new MemorySink<{ id: number }>().failNext(fail, fail, fail);
    await pipeline(Readable.from(batches(3, 4)), sinkWritable(sink, ctx, { maxItems: 4, maxInFlight: 1 }));
    expect(sink.rows).toHaveLength(12);
    expect(sink.closed).toBe(true);
  });

  it('does not abort a sink whose commit is under way when the stream is destroyed: the commit decides', async () => {
    const { ctx } = testContext();
    const sink = new MemorySink<number>('dataset');
    let committed!: () => void;
    const commit = sink.close.bind(sink);
    sink.close = () => new Promise<void>((resolve) => (committed = () => resolve(commit())));
    const writable = sinkWritable(sink, ctx);
    writable.on('error', () => undefined); // the destroy's reason, expected here
    writable.end([1, 2]);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the commit has started
    writable.destroy(new Error('a sibling target failed'));
    committed();
    await new Promise((resolve) => writable.once('close', resolve));
    expect(sink.closed).toBe(true);
    expect(sink.aborted).toBeUndefined();
  });

  it('counts the rows a record stands for (countOf): a sink of whole batches passes the reject ratio on its rows', async () => {
    const { ctx, rejects } = testContext();
    const guarded = { ...ctx, maxRejectRatio: 0.1 };
    for (let i = 0; i < 5; i++) await rejects.write(new RecordError({ code: 'CAST', reason: 'bad', line: i }));
    // Two records of 100 rows each, 5 rejects: 2.4% by rows; by records it would be 5 of 7.
    const columnBatches = [[{ length: 100 }, { length: 100 }]];
    const sink = new MemorySink<{ length: number }>('batches');
    await pipeline(Readable.from(columnBatches), sinkWritable(sink, guarded, { maxItems: 1, countOf: (b) => b.length }));
    expect(sink.closed).toBe(true);
    expect(ctx.counters.component('batches')).toMatchObject({ rowsIn: 200, rowsOut: 200 });

    const byRecord = new MemorySink<{ length: number }>('by-record');
    await expect(pipeline(Readable.from(columnBatches), sinkWritable(byRecord, guarded, { maxItems: 1 }))).rejects.toThrow(
      /5 of 7 records of by-record rejected/,
    );
    expect(byRecord.closed).toBe(false);
  });

  it('rejects nonsense bounds early', () => {
    const { ctx } = testContext();
    expect(() => sinkWritable(new MemorySink(), ctx, { maxInFlight: 0 })).toThrow('maxInFlight must be a positive number');
  });
});
