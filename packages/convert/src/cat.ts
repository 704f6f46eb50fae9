import type { RunContext } from '@etl/core';
import type { ObjectStore } from '@etl/object-store';
import type { ReadOptions } from './convert.js';
import type { FileFormat } from './file-format.js';
import { inputFormatOf } from './sniff-file.js';
import { toJsonValue } from './json-value.js';
import { openRows } from './sources/open-rows.js';

export interface CatOptions extends ReadOptions {
  format?: FileFormat;
  limit?: number;
}

/** A file's rows as NDJSON lines (typed values in JSON form, see `toJsonValue`), at most `limit`. */
export async function* catLines(store: ObjectStore, uri: string, options: CatOptions, ctx: RunContext): AsyncGenerator<string> {
  const { format, limit: _limit, ...read } = options;
  const source = await openRows(store, uri, await inputFormatOf(store, uri, format), { ...read, ctx });
  const fields = source.schema.fields;
  let left = options.limit ?? Infinity;
  if (left <= 0) return;
  const batches = source.batches();
  try {
    for await (const batch of batches) {
      let text = '';
      for (const row of batch) {
        const object: Record<string, unknown> = {};
        for (let i = 0; i < fields.length; i++) object[fields[i]?.name as string] = toJsonValue(row[i], fields[i]);
        text += `${JSON.stringify(object)}\n`;
        if (--left === 0) break;
      }
      yield text;
      if (left === 0) return;
    }
  } finally {
    await batches.return(undefined);
  }
}
