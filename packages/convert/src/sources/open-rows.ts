import type { ObjectStore } from '@etl/object-store';
import type { FileFormat } from '../file-format.js';
import { csvSource } from './csv-source.js';
import { ndjsonSource } from './ndjson-source.js';
import { parquetSource } from './parquet-source.js';
import type { RowSource, SourceOptions } from './row-source.js';

/** Typed rows from a CSV, NDJSON or Parquet object (local path, file:// or s3:// URI). */
export function openRows(store: ObjectStore, uri: string, format: FileFormat, options: SourceOptions): Promise<RowSource> {
  switch (format) {
    case 'csv':
      return csvSource(store, uri, options);
    case 'ndjson':
      return ndjsonSource(store, uri, options);
    case 'parquet':
      return parquetSource(store, uri, options);
  }
}
