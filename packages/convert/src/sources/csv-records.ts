import type { RunContext } from '@etl/core';
import { csvReader, type CsvBatch } from '@etl/csv';
import type { ObjectStore } from '@etl/object-store';
import { sniffedEncoding, type SniffResult } from '../sniff-file.js';
import { textOf } from './text-bytes.js';

export interface CsvRecordsOptions {
  sniffed: SniffResult;
  delimiter: string;
  skipLines?: number;
  joinShortRows?: boolean;
  /** Column names for a file without a header. */
  columns: readonly string[];
  onColumns?: (names: string[]) => void;
  /** Raw bytes as they are read. */
  counted?: (bytes: number) => void;
}

/**
 * A sniffed CSV file's records in batches, as parsed: the object read (inflated, decoded in the
 * sniffed encoding) into `csvReader` with the sniffed dialect. Ragged rows, unclosed quotes and bad
 * bytes become rejects on `ctx`, counted on its `csv-parse` component. The one place a CSV file is
 * opened for reading, so the load and the whole-file type inference see the same records.
 */
export async function csvRecords(
  store: ObjectStore,
  uri: string,
  ctx: RunContext,
  options: CsvRecordsOptions,
): Promise<AsyncIterable<CsvBatch>> {
  const { sniffed } = options;
  const { text, decoder } = await textOf(store, uri, ctx, {
    ...sniffedEncoding(sniffed),
    compression: sniffed.compression ?? 'none',
    counted: options.counted ?? (() => undefined),
  });
  const reader = csvReader(ctx, {
    delimiter: options.delimiter,
    quote: sniffed.quote,
    file: uri,
    header: sniffed.header,
    ...(options.skipLines ? { skipLines: options.skipLines } : {}),
    ...(options.joinShortRows ? { joinShortRows: true } : {}),
    ...(sniffed.header ? {} : { columns: options.columns }),
    ...(options.onColumns ? { onColumns: options.onColumns } : {}),
    decoded: decoder,
  });
  text.on('error', (error: Error) => reader.destroy(error));
  return text.pipe(reader) as AsyncIterable<CsvBatch>;
}
