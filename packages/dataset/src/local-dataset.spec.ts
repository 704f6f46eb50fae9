import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLogger, createRunContext, newRunId, runPipeline } from '@etl/core';
import { memoryLogSink } from '@etl/core/testing';
import { createObjectStore, type ObjectStore } from '@etl/object-store';
import type { Value } from '@etl/schema';
import { datasetContract } from './dataset.contract.js';
import { datasetSink } from './dataset-sink.js';

const base = mkdtempSync(join(tmpdir(), 'dataset-'));
let n = 0;

/** Temp files of unfinished writes (`.<name>.<random>.etl-part`) anywhere below `dir`. */
function tempFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.etl-part'));
  } catch {
    return [];
  }
}

datasetContract('local files', () => ({
  store: createObjectStore(),
  root: () => pathToFileURL(join(base, `t${++n}`)).href,
  leftovers: async (prefix) => tempFiles(fileURLToPath(prefix)),
}));

/** The local store, except that Parquet uploads wait until `release()`: a destination that has stopped accepting data. */
function heldStore(): { store: ObjectStore; release(): void } {
  const inner = createObjectStore();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    store: {
      ...inner,
      put: async (uri, body, options) => {
        if (uri.endsWith('.parquet')) await gate;
        return inner.put(uri, body, options);
      },
    },
    release,
  };
}

/** The local store, except that writing a manifest fails while `failing` is set: a destination that refuses the publish. */
function manifestRefusingStore(): { store: ObjectStore; failing: boolean } {
  const inner = createObjectStore();
  const target = {
    failing: true,
    store: {
      ...inner,
      put: async (uri: string, body: Parameters<ObjectStore['put']>[1], options?: Parameters<ObjectStore['put']>[2]) => {
        if (target.failing && uri.endsWith('/_manifest.json')) throw new Error('access denied writing the manifest');
        return inner.put(uri, body, options);
      },
    },
  };
  return target;
}

describe('Parquet dataset as a core sink', () => {
  it('a run whose manifest cannot be written publishes nothing and leaves nothing; the next run publishes', async () => {
    const target = manifestRefusingStore();
    const prefix = pathToFileURL(join(base, 'refused')).href;
    const schema = { fields: [{ name: 'n', type: { kind: 'int' as const }, nullable: false }] };
    const context = () => {
      const runId = newRunId();
      return createRunContext({ jobName: 't', runId, logger: createLogger({ runId, jobName: 't', destination: memoryLogSink() }) });
    };
    const pipeline = (sink: ReturnType<typeof datasetSink>) =>
      runPipeline(
        {
          source: { name: 'rows', open: () => Readable.from([Array.from({ length: 1000 }, (_, i) => [i])], { objectMode: true }) },
          steps: [],
          sink,
        },
        context(),
      );
    const refused = datasetSink(target.store, { prefix, schema, rowGroupRows: 100 });
    await expect(pipeline(refused)).rejects.toThrow('access denied writing the manifest');
    expect(refused.result).toBeUndefined();
    expect(
      readdirSync(fileURLToPath(prefix), { recursive: true, encoding: 'utf8' }).filter(
        (f) => f.endsWith('.parquet') || f.endsWith('.json'),
      ),
    ).toEqual([]);
    expect(tempFiles(fileURLToPath(prefix))).toEqual([]);

    target.failing = false;
    const next = datasetSink(target.store, { prefix, schema, rowGroupRows: 100 });
    await pipeline(next);
    expect(next.result?.rows).toBe(1000);
  });

  it('holds the source back while uploads are stalled, then writes every row', async () => {
    const { store, release } = heldStore();
    const batches = 200;
    let pulled = 0;
    async function* source(): AsyncGenerator<Value[][]> {
      for (let b = 0; b < batches; b++) {
        pulled++;
        // Random text: Snappy cannot shrink it, so the bytes waiting for the upload are as many as written.
        yield Array.from({ length: 100 }, (_, i) => [`INV-${b * 100 + i}`, randomBytes(250).toString('hex')]);
      }
    }
    const runId = newRunId();
    const ctx = createRunContext({ jobName: 't', runId, logger: createLogger({ runId, jobName: 't', destination: memoryLogSink() }) });
    const schema = {
      fields: [
        { name: 'invoice_no', type: { kind: 'string' as const }, nullable: false },
        { name: 'description', type: { kind: 'string' as const }, nullable: false },
      ],
    };
    const sink = datasetSink(store, { prefix: pathToFileURL(join(base, 'held')).href, schema, rowGroupRows: 200 });
    const run = runPipeline(
      {
        source: { name: 'rows', open: () => Readable.from(source(), { objectMode: true, highWaterMark: 1 }) },
        steps: [],
        sink,
        sinkOptions: { maxItems: 100, maxInFlight: 2 },
      },
      ctx,
    );
    await new Promise((r) => setTimeout(r, 500));
    const stalled = pulled;
    await new Promise((r) => setTimeout(r, 500));
    // Stalled: a few row groups fill the upload's buffers, then the in-flight batches and the stream buffers.
    expect(pulled).toBe(stalled);
    expect(stalled).toBeLessThan(30);
    release();
    await run;
    expect(pulled).toBe(batches);
    expect(sink.result?.rows).toBe(batches * 100);
  });
});
