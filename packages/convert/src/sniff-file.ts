import { TerminalError } from '@etl/core';
import { CsvParser, sniffCsv, uniqueHeader } from '@etl/csv';
import { decodeAll, detectEncoding } from '@etl/encoding';
import type { ObjectStore } from '@etl/object-store';
import { formatType, inferSchema, type InferOptions } from '@etl/schema';
import { buffer } from 'node:stream/consumers';
import { Readable } from 'node:stream';
import { constants, gunzipSync } from 'node:zlib';
import unbzip2 from 'unbzip2-stream';

export interface SniffResult {
  /** Present when the file is compressed (it was inflated for the look). */
  compression?: 'gzip' | 'bzip2';
  encoding: string;
  confidence: number;
  bom: boolean;
  delimiter: string;
  quote: string;
  header: boolean;
  lineEnding: 'lf' | 'crlf' | 'cr';
  columns: Array<{ name: string; type: string; nullable: boolean }>;
  /** Records the column types were inferred from. */
  sampledRows: number;
}

/** Whatever the start of a bzip2 stream decompresses to (a cut-off stream ends in an error: ignored). */
async function bunzipPrefix(raw: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  const stream = Readable.from([raw]).pipe(unbzip2());
  await new Promise<void>((resolve) => {
    stream.on('data', (chunk: Buffer) => out.push(chunk));
    stream.on('end', resolve);
    stream.on('error', () => resolve());
  });
  return Buffer.concat(out);
}

/** Looks at the first `sampleBytes` of a file: encoding, CSV dialect, header and column types. */
export interface SniffOptions {
  sampleBytes?: number;
  encoding?: string;
  /** false: columns are named but typed varchar (the caller has a schema). */
  inferTypes?: boolean;
  /** Whether the first record is a header; sniffed when absent. */
  header?: boolean;
  /** Physical lines above the header to ignore. */
  skipLines?: number;
  /** Texts that mean null, ignored when inferring types. */
  nullValues?: readonly string[];
  /** The header names -> the column names reported (and inferred under). */
  renameColumns?: (names: readonly string[]) => string[];
  /** Inference options (decimal(38,18) for fractions, key columns …). */
  infer?: InferOptions;
}

export async function sniffFile(objects: ObjectStore, uri: string, options: SniffOptions = {}): Promise<SniffResult> {
  const sampleBytes = options.sampleBytes ?? 1024 * 1024;
  const info = await objects.head(uri);
  if (!info) throw new TerminalError('NOT_FOUND', `${uri} does not exist: check the path or S3 URI`, { details: { uri } });
  const raw =
    info.size === 0
      ? Buffer.alloc(0)
      : await buffer(await objects.get(uri, { range: { start: 0, end: Math.min(info.size, sampleBytes) - 1 } }));
  // gzip (1f 8b) or bzip2 (BZh): inflate what the sample holds; a cut-off stream is fine for a look.
  const gzip = raw[0] === 0x1f && raw[1] === 0x8b;
  const bzip2 = raw.toString('latin1', 0, 3) === 'BZh';
  const bytes = gzip
    ? gunzipSync(raw, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, sampleBytes)
    : bzip2
      ? (await bunzipPrefix(raw)).subarray(0, sampleBytes)
      : raw;
  const detection = options.encoding
    ? { encoding: options.encoding.toLowerCase(), confidence: 1, bom: false }
    : detectEncoding(bytes.subarray(0, 64 * 1024));
  let text = decodeAll(bytes, detection.encoding);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const truncated = info.size > sampleBytes || gzip || bzip2;
  if (truncated) text = text.slice(0, Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1);
  for (let skip = options.skipLines ?? 0; skip > 0; skip--) {
    const end = text.search(/\r\n|\n|\r/);
    text = end === -1 ? '' : text.slice(end + (text.startsWith('\r\n', end) ? 2 : 1));
  }
  const sniffed = sniffCsv(text.slice(0, 64 * 1024));
  const dialect = options.header === undefined ? sniffed : { ...sniffed, header: options.header };
  const records: string[][] = [];
  const parser = new CsvParser({ delimiter: dialect.delimiter, quote: dialect.quote });
  const onRecord = (fields: string[]) => void records.push(fields);
  parser.push(text, onRecord, () => undefined);
  parser.end(onRecord, () => undefined);
  // A loop, not `Math.max(...)`: a MiB of short lines is more records than a call has room for arguments.
  const width = records.reduce((widest, r) => Math.max(widest, r.length), 0);
  const header = dialect.header && records[0] ? uniqueHeader(records[0]) : Array.from({ length: width }, (_, i) => `column_${i + 1}`);
  const names = options.renameColumns ? options.renameColumns(header) : header;
  const data = (dialect.header ? records.slice(1) : records).filter((r) => r.length === names.length);
  const schema =
    options.inferTypes === false
      ? { fields: names.map((name) => ({ name, type: { kind: 'string' as const }, nullable: true })) }
      : inferSchema(names, data, { ...options.infer, ...(options.nullValues ? { nullValues: options.nullValues } : {}) });
  return {
    ...(gzip ? { compression: 'gzip' as const } : bzip2 ? { compression: 'bzip2' as const } : {}),
    encoding: detection.encoding,
    confidence: Number(detection.confidence.toFixed(2)),
    bom: detection.bom,
    delimiter: dialect.delimiter,
    quote: dialect.quote,
    header: dialect.header,
    lineEnding: dialect.lineEnding,
    columns: schema.fields.map((f) => ({ name: f.name, type: formatType(f.type), nullable: f.nullable })),
    sampledRows: data.length,
  };
}
