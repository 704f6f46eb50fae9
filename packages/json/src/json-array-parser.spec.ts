import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { from, runPipeline, type ByteSource } from '@etl/core';
import { MemorySink, testContext } from '@etl/core/testing';
import { jsonArrayParser } from './json-array-parser.js';
import type { Located } from './ndjson-parser.js';

const bytes = (...chunks: string[]): ByteSource => ({ name: 'file', open: () => Readable.from(chunks.map((c) => Buffer.from(c))) });

describe('jsonArrayParser', () => {
  it('streams the elements of a top-level array in batches, whatever the chunking', async () => {
    const { ctx } = testContext();
    const sink = new MemorySink<Located<unknown>>();
    const text = JSON.stringify(Array.from({ length: 7 }, (_, i) => ({ id: i, name: `株式会社${i}`, amount: '12.50' })));
    const chunks = text.match(/.{1,5}/gs) ?? [];
    await runPipeline(
      from(bytes(...chunks))
        .throughStream<Located<unknown>>(jsonArrayParser(ctx, { batchSize: 3 }))
        .into(sink, { sinkOptions: { maxItems: 100 } }),
      ctx,
    );
    expect(sink.rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sink.rows[6]?.value).toEqual({ id: 6, name: '株式会社6', amount: '12.50' });
    expect(ctx.counters.totals().rowsRead).toBe(7);
  });

  it('fails clearly on malformed JSON, naming the file', async () => {
    const { ctx } = testContext();
    await expect(
      runPipeline(
        from(bytes('[{"a":1},{"a":'))
          .throughStream<Located<unknown>>(jsonArrayParser(ctx, { file: 'orders.json' }))
          .into(new MemorySink()),
        ctx,
      ),
    ).rejects.toThrow(/orders\.json is not a valid JSON array/);
  });
});
