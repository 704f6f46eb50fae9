import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { from, runPipeline, type Source } from '@etl/core';
import { testContext } from '@etl/core/testing';
import { createObjectStore, type ObjectStore } from '@etl/object-store';
import type { Schema, Value } from '@etl/schema';
import { catLines } from './cat.js';
import { RowFileSink } from './row-file-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'row-file-sink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const schema: Schema = {
  fields: [
    { name: 'id', type: { kind: 'bigint' }, nullable: false },
    { name: 'price', type: { kind: 'decimal', precision: 12, scale: 2 }, nullable: true },
    { name: 'note', type: { kind: 'string' }, nullable: true },
  ],
};

/** 1 KB a row: a batch of 100 rows is about 100 KB of CSV. */
const NOTE = 'x'.repeat(1000);

/** `batches` batches of 100 rows; counts how many were pulled; fails before batch `failAt` when given. */
function rows(batches: number, failAt?: number): Source<Value[]> & { pulled: number } {
  const source = {
    name: 'generated',
    pulled: 0,
    async *open() {
      for (let b = 0; b < batches; b++) {
        if (b === failAt) throw new Error('source broke');
        source.pulled++;
        yield Array.from({ length: 100 }, (_, i): Value[] => [BigInt(b * 100 + i), `${b}.${String(i).padStart(2, '0')}`, NOTE]);
      }
    },
  };
  return source;
}

async function lines(objects: ObjectStore, uri: string): Promise<string[]> {
  const { ctx } = testContext();
  let text = '';
  for await (const chunk of catLines(objects, uri, {}, ctx)) text += chunk;
  return text.trim().split('\n');
}

describe('RowFileSink', () => {
  it('writes every row of a pipeline to one Parquet file, values exact, in order', async () => {
    const objects = createObjectStore();
    const uri = join(dir, 'out.parquet');
    const sink = new RowFileSink(objects, uri, schema);
    const { ctx } = testContext();
    await runPipeline(from(rows(30)).into(sink, { sinkOptions: { maxItems: 250, maxInFlight: 3 } }), ctx);
    const written = await lines(objects, uri);
    expect(sink.rows).toBe(3000);
    expect(written).toHaveLength(3000);
    expect(JSON.parse(written[2999] as string)).toEqual({ id: 2999, price: '29.99', note: NOTE });
  });

  it('writes CSV and NDJSON by the extension', async () => {
    const objects = createObjectStore();
    for (const name of ['out.csv', 'out.ndjson']) {
      const uri = join(dir, name);
      await runPipeline(from(rows(1)).into(new RowFileSink(objects, uri, schema)), testContext().ctx);
      expect(await lines(objects, uri)).toHaveLength(100);
    }
  });

  it('leaves no file when the run fails part way', async () => {
    const objects = createObjectStore();
    const uri = join(dir, 'failed.parquet');
    await expect(runPipeline(from(rows(10, 5)).into(new RowFileSink(objects, uri, schema)), testContext().ctx)).rejects.toThrow(
      'source broke',
    );
    expect(existsSync(uri)).toBe(false);
  });

  it('holds the source back while the upload is stalled (backpressure), then writes every row', async () => {
    const local = createObjectStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // A real local store whose uploads start only once the gate opens.
    const stalled: ObjectStore = {
      ...local,
      put: async (uri, body, options) => {
        await gate;
        return local.put(uri, body, options);
      },
    };
    const source = rows(300);
    const uri = join(dir, 'stalled.csv');
    const { ctx } = testContext();
    const run = runPipeline(from(source).into(new RowFileSink(stalled, uri, schema)), ctx);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pulledWhileStalled = source.pulled;
    release();
    await run;
    // Held: the object writer's 2 MiB of buffers (about 20 batches here) plus core's sink batches
    // ((maxInFlight + 1) * maxItems rows: 25 batches) and a few stream slots; not the 300 batches.
    expect(pulledWhileStalled).toBeLessThan(60);
    expect(source.pulled).toBe(300);
    expect(readFileSync(uri, 'utf8').split('\n')).toHaveLength(30_002); // header, rows, and the last line's end
  });

  it('publishes nothing for an input without rows (an empty or header-only file), and says so', async () => {
    const objects = createObjectStore();
    const uri = join(dir, 'empty.parquet');
    const { ctx, logs } = testContext();
    const sink = new RowFileSink(objects, uri, schema);
    await runPipeline(from(rows(0)).into(sink), ctx);
    expect(sink.rows).toBe(0);
    expect(existsSync(uri)).toBe(false);
    expect(logs.lines.some((l) => String(l['msg']).startsWith('no rows to write'))).toBe(true);
  });

  it('refuses a file it cannot name the format of, before writing', () => {
    expect(() => new RowFileSink(createObjectStore(), join(dir, 'out.xlsx'), schema)).toThrow(/format/);
  });
});
