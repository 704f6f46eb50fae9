import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { from, runPipeline, type ByteSource } from '@etl/core';
import { MemorySink, testContext } from '@etl/core/testing';
import { ndjsonParser, type Located } from './ndjson-parser.js';

const bytes = (text: string): ByteSource => ({ name: 'file', open: () => Readable.from([Buffer.from(text)]) });

describe('ndjsonParser', () => {
  it('parses lines into located values and rejects bad JSON with its line', async () => {
    const { ctx, rejects } = testContext();
    const sink = new MemorySink<Located<unknown>>();
    await runPipeline(
      from(bytes('{"a":1}\n\n{"a":2\n{"a":3}\n'))
        .throughStream<Located<unknown>>(ndjsonParser(ctx, { file: 'orders.ndjson' }))
        .into(sink),
      ctx,
    );
    expect(sink.rows).toEqual([
      { value: { a: 1 }, line: 1 },
      { value: { a: 3 }, line: 4 },
    ]);
    expect(rejects.count).toBe(1);
    expect(rejects.samples[0]).toMatchObject({ code: 'PARSE', file: 'orders.ndjson', line: 3, raw: '{"a":2' });
    expect(ctx.counters.component('ndjson-parse')).toMatchObject({ rowsIn: 3, rowsOut: 2, rejected: 1 });
  });

  it('rejects an over-long line without holding it', async () => {
    const { ctx, rejects } = testContext();
    const sink = new MemorySink<Located<unknown>>();
    const text = `{"a":1}\n{"big":"${'x'.repeat(5000)}"}\n{"a":2}\n`;
    await runPipeline(
      from(bytes(text))
        .throughStream<Located<unknown>>(ndjsonParser(ctx, { maxLineBytes: 1000 }))
        .into(sink),
      ctx,
    );
    expect(sink.rows.map((r) => r.line)).toEqual([1, 3]);
    expect(rejects.samples[0]).toMatchObject({ code: 'TOO_LARGE', line: 2 });
  });
});
