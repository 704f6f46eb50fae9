import { TerminalError } from '@etl/core';

export const FILE_FORMATS = ['csv', 'parquet', 'ndjson'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

const BY_EXTENSION: Record<string, FileFormat> = {
  parquet: 'parquet',
  pq: 'parquet',
  csv: 'csv',
  tsv: 'csv',
  psv: 'csv',
  txt: 'csv',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  json: 'ndjson',
};

/** `.gz` at the end: text formats are gzip-compressed on read and write. */
export const isGzipped = (uri: string): boolean => /\.gz$/i.test(uri);

/** The format named, else the one the extension says (`.csv.gz` is csv). */
export function formatOf(uri: string, explicit?: string): FileFormat {
  if (explicit !== undefined) {
    if ((FILE_FORMATS as readonly string[]).includes(explicit)) return explicit as FileFormat;
    throw new TerminalError('BAD_ARGUMENT', `unknown format "${explicit}": name one of ${FILE_FORMATS.join(', ')}`);
  }
  const extension = /\.([a-z0-9]+)$/i.exec(uri.replace(/\.(gz|bz2)$/i, ''))?.[1]?.toLowerCase();
  const format = extension === undefined ? undefined : BY_EXTENSION[extension];
  if (!format)
    throw new TerminalError('BAD_ARGUMENT', `cannot tell the format of ${uri} from its extension; pass --format ${FILE_FORMATS.join('|')}`);
  return format;
}
