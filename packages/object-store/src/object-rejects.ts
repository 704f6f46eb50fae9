import { ndjsonRejects, rejectWeight, type RecordError, type RejectOutput } from '@etl/core';
import type { ObjectStore } from './object-store.js';
import { objectWriter } from './object-writer.js';

/**
 * Rejects as NDJSON in one object, opened on the first reject (a clean run leaves no empty file).
 * Kept on failure too: they are the evidence of what went wrong.
 */
export function objectRejects(objects: ObjectStore, uri: string): RejectOutput {
  let output: RejectOutput | undefined;
  let count = 0;
  let weight = 0;
  return {
    get count() {
      return count;
    },
    get weight() {
      return weight;
    },
    async write(reject: RecordError) {
      output ??= ndjsonRejects(objectWriter(objects, uri, { contentType: 'application/x-ndjson' }));
      count++;
      weight += rejectWeight(reject);
      await output.write(reject);
    },
    async close() {
      await output?.close();
    },
  };
}
