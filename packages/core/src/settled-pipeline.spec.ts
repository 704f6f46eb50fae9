import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { settledPipeline } from './settled-pipeline.js';

describe('settledPipeline', () => {
  it('rejects only after a failing pipeline has finished cleaning up its sink', async () => {
    let cleanedUp = false;
    const sink = new Writable({
      write: (_chunk, _enc, cb) => cb(),
      destroy(error, callback) {
        // e.g. AbortMultipartUpload: takes a while.
        setTimeout(() => {
          cleanedUp = true;
          callback(error);
        }, 50);
      },
    });
    async function* failing() {
      yield 'a';
      throw new Error('source broke');
    }
    await expect(settledPipeline([Readable.from(failing()), sink])).rejects.toThrow('source broke');
    expect(cleanedUp).toBe(true);
  });
});
