import { Transform } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Source, Stage } from './contracts.js';
import { many } from './contracts.js';
import { RecordError } from './errors.js';
import { from, runPipeline } from './run-pipeline.js';
import { MemorySink, testContext } from './testing/index.js';

interface Row {
  id: number;
  price: string;
}

/** A source that counts how many batches were pulled from it. */
function countingSource(total: number, batchSize = 1): Source<Row> & { pulled: number } {
  const source = {
    name: 'numbers',
    pulled: 0,
    async *open() {
      for (let b = 0; b < total; b++) {
        source.pulled++;
        yield Array.from({ length: batchSize }, (_, i) => ({ id: b * batchSize + i, price: String(b * batchSize + i) }));
      }
    },
  };
  return source;
}

const parsePrice: Stage<Row, { id: number; cents: number }> = {
  name: 'parse-price',
  process(row) {
    if (!/^\d+$/.test(row.price))
      throw new RecordError({ code: 'CAST', reason: 'not a number', line: row.id + 2, column: 'price', raw: row.price });
    return { id: row.id, cents: Number(row.price) * 100 };
  },
};

async function waitUntilStalled(read: () => number): Promise<number> {
  let last = -1;
  let stable = 0;
  while (stable < 50) {
    await tick();
    const now = read();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}

describe('runPipeline', () => {
  it('does not read the source ahead of a stalled sink beyond the configured buffers', async () => {
    const { ctx } = testContext();
    const source = countingSource(10_000);
    const sink = new MemorySink<{ id: number; cents: number }>().hold();
    const spec = from(source)
      .through(parsePrice)
      .into(sink, { sinkOptions: { maxItems: 1, maxInFlight: 1, highWaterMark: 1 }, stageOptions: { highWaterMark: 1 } });
    const run = runPipeline(spec, ctx);

    const pulled = await waitUntilStalled(() => source.pulled);
    // Buffers between source and sink: Readable.from (1) + meter (1+1) + stage (1+1) + sink buffer (1)
    // + the batch being assembled (1) + the batch in flight (1), plus the one being handed over at each edge.
    expect(pulled).toBeGreaterThan(1);
    expect(pulled).toBeLessThanOrEqual(14);

    sink.release();
    await run;
    expect(sink.rows).toHaveLength(10_000);
    expect(source.pulled).toBe(10_000);
  });

  it('routes bad records to rejects with their location and counts them', async () => {
    const { ctx, rejects } = testContext();
    const source: Source<Row> = {
      name: 'rows',
      open: async function* () {
        yield [
          { id: 1, price: '10' },
          { id: 2, price: 'ten' },
          { id: 3, price: '30' },
        ];
      },
    };
    const sink = new MemorySink<{ id: number; cents: number }>();
    await runPipeline(from(source).through(parsePrice).into(sink), ctx);
    expect(sink.rows.map((r) => r.id)).toEqual([1, 3]);
    expect(rejects.count).toBe(1);
    expect(rejects.samples[0]).toMatchObject({ code: 'CAST', line: 4, column: 'price', raw: 'ten', stage: 'parse-price' });
    expect(ctx.counters.totals()).toMatchObject({ rowsRead: 3, rowsWritten: 2, rowsRejected: 1 });
  });

  it('counts records a stage drops and expands fan-out', async () => {
    const { ctx } = testContext();
    const evensTwice: Stage<Row, Row> = {
      name: 'evens-twice',
      process: (row) => (row.id % 2 === 0 ? many([row, row]) : undefined),
    };
    const sink = new MemorySink<Row>();
    await runPipeline(from(countingSource(3, 2)).through(evensTwice).into(sink), ctx);
    expect(sink.rows.map((r) => r.id)).toEqual([0, 0, 2, 2, 4, 4]);
    expect(ctx.counters.component('evens-twice')).toMatchObject({ rowsIn: 6, rowsOut: 6, dropped: 3 });
  });

  it('counts rows read once when the source hands on rows its reader already counted (a parsed file)', async () => {
    const { ctx } = testContext();
    const parsed = Object.assign(countingSource(2, 3), { readByReader: true });
    ctx.counters.component('csv-parse', 'reader').rowsIn += 6; // what the file's parser counted
    await runPipeline(from(parsed).into(new MemorySink<Row>()), ctx);
    expect(ctx.counters.component('numbers')).toMatchObject({ role: 'stage', rowsOut: 6 });
    expect(ctx.counters.totals()).toMatchObject({ rowsRead: 6, rowsWritten: 6 });
    // A source of its own (no reader before it) is what is read.
    const { ctx: own } = testContext();
    await runPipeline(from(countingSource(2, 3)).into(new MemorySink<Row>()), own);
    expect(own.counters.totals()).toMatchObject({ rowsRead: 6, rowsWritten: 6 });
  });

  it('fails with the stage name when a stage throws a bug, and aborts the sink', async () => {
    const { ctx } = testContext();
    const buggy: Stage<Row, Row> = {
      name: 'buggy',
      process: () => {
        throw new TypeError('cannot read properties of undefined');
      },
    };
    const sink = new MemorySink<Row>();
    await expect(runPipeline(from(countingSource(5)).through(buggy).into(sink), ctx)).rejects.toThrow(
      'stage "buggy": cannot read properties of undefined',
    );
    expect(sink.closed).toBe(false);
    expect(sink.aborted).toBeDefined();
  });

  it('stops on abort: the sink is aborted, not committed', async () => {
    const controller = new AbortController();
    const { ctx } = testContext({ signal: controller.signal });
    const sink = new MemorySink<Row>().hold();
    const run = runPipeline(from(countingSource(1000)).into(sink), ctx);
    await waitUntilStalled(() => sink.inFlight);
    controller.abort();
    sink.release();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(sink.closed).toBe(false);
    expect(sink.aborted).toBeDefined();
  });

  it('accepts raw streams between stages', async () => {
    const { ctx } = testContext();
    const double = new Transform({
      objectMode: true,
      transform: (batch: Row[], _e, cb) =>
        cb(
          null,
          batch.map((r) => ({ ...r, id: r.id * 2 })),
        ),
    });
    const sink = new MemorySink<Row>();
    await runPipeline(from(countingSource(2, 2)).throughStream<Row>(double).into(sink), ctx);
    expect(sink.rows.map((r) => r.id)).toEqual([0, 2, 4, 6]);
  });
});
