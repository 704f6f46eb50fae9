import { TerminalError, type RunContext } from '@etl/core';
import { CsvParser, sniffCsv, uniqueHeader } from '@etl/csv';
import { decodeAll, detectEncoding, type Detection } from '@etl/encoding';
import type { ObjectStore } from '@etl/object-store';
import { formatType, inferSchema, type InferOptions, type Schema } from '@etl/schema';
import { buffer } from 'node:stream/consumers';
import { Readable } from 'node:stream';
import { constants, gunzipSync } from 'node:zlib';
import unbzip2 from 'unbzip2-stream';
import { binaryKind } from './binary-input.js';
import { formatOf, type FileFormat } from './file-format.js';
import { inferCsvFile } from './sources/infer-csv-file.js';
import { parserQuote, type SourceOptions } from './sources/row-source.js';

export interface SniffResult {
  /** Present when the file is compressed (it was inflated for the look). */
  compression?: 'gzip' | 'bzip2';
  encoding: string;
  /** The encoding was given (`SniffOptions.encoding`), not detected. */
  encodingGiven?: true;
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

/** How a sniffed file is decoded: in the encoding given, or in the one detected (logged as detected, with its confidence). */
export function sniffedEncoding(sniffed: SniffResult): { encoding: string } | { detected: Detection } {
  return sniffed.encodingGiven
    ? { encoding: sniffed.encoding }
    : { detected: { encoding: sniffed.encoding, confidence: sniffed.confidence, bom: sniffed.bom } };
}

/** What the reading log says of a sniffed file's encoding, as `decodeStream` says it at one thread. */
export function encodingLog(sniffed: SniffResult): { encoding: string; confidence: number; bom: boolean; explicit: boolean } {
  const how = sniffedEncoding(sniffed);
  return 'detected' in how ? { ...how.detected, explicit: false } : { encoding: how.encoding, confidence: 1, bom: false, explicit: true };
}

/** The most common number of fields of `records` (the larger on a tie), 0 for none. */
function commonWidth(records: readonly string[][]): number {
  const counts = new Map<number, number>();
  for (const r of records) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  let width = 0;
  let most = 0;
  for (const [length, count] of counts) if (count > most || (count === most && length > width)) [width, most] = [length, count];
  return width;
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

/**
 * Looks at the first `sampleBytes` of a file: encoding, CSV dialect, header and column types. The read
 * options are the load's (`SourceOptions`), so the types are inferred from the values as the load
 * will read them (null markers, decimal comma, thousands separators, time zone).
 */
export interface SniffOptions extends Pick<
  SourceOptions,
  | 'encoding'
  | 'delimiter'
  | 'quote'
  | 'header'
  | 'skipLines'
  | 'joinShortRows'
  | 'nullValues'
  | 'decimalSeparator'
  | 'groupSeparator'
  | 'timeZone'
  | 'renameColumns'
  | 'infer'
  | 'inferFrom'
> {
  sampleBytes?: number;
  /** false: columns are named but typed varchar (the caller has a schema). */
  inferTypes?: boolean;
  /**
   * The run that `inferFrom: 'file'` reads the whole file in (its signal and logger; the bytes count
   * on its `type-inference` component). Needed for that option only.
   */
  ctx?: RunContext;
}

export async function sniffFile(objects: ObjectStore, uri: string, options: SniffOptions = {}): Promise<SniffResult> {
  const sampleBytes = options.sampleBytes ?? 1024 * 1024;
  const info = await objects.head(uri);
  if (!info) throw notThere(uri);
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
  const binary = binaryKind(bytes, detection.encoding);
  if (binary)
    throw new TerminalError(
      'BAD_INPUT',
      // No "read it as Parquet" advice: the pipelines' sources are CSV, and etl reads Parquet by its .parquet name.
      `${uri} looks like ${binary}, not CSV text: give the CSV file`,
      { details: { uri } },
    );
  let text = decodeAll(bytes, detection.encoding);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const truncated = info.size > sampleBytes || gzip || bzip2;
  if (truncated) text = text.slice(0, Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1);
  for (let skip = options.skipLines ?? 0; skip > 0; skip--) {
    const end = text.search(/\r\n|\n|\r/);
    text = end === -1 ? '' : text.slice(end + (text.startsWith('\r\n', end) ? 2 : 1));
  }
  const sniffed = sniffCsv(text.slice(0, 64 * 1024));
  const dialect = {
    ...sniffed,
    ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
    ...(options.quote === undefined ? {} : { quote: parserQuote(options.quote) }),
    ...(options.header === undefined ? {} : { header: options.header }),
  };
  const records: string[][] = [];
  const parser = new CsvParser({ delimiter: dialect.delimiter, quote: dialect.quote });
  const onRecord = (fields: string[]) => void records.push(fields);
  parser.push(text, onRecord, () => undefined);
  parser.end(onRecord, () => undefined);
  // Without a header, the file's width is its records' most common one (the wider on a tie): one stray
  // field in the sample must not make every other record ragged.
  // With joinShortRows the widest (a record's pieces across an unquoted line break are narrower).
  const width = options.joinShortRows ? records.reduce((widest, r) => Math.max(widest, r.length), 0) : commonWidth(records);
  const header = dialect.header && records[0] ? uniqueHeader(records[0]) : Array.from({ length: width }, (_, i) => `column_${i + 1}`);
  const names = options.renameColumns ? options.renameColumns(header) : header;
  const rows = dialect.header ? records.slice(1) : records;
  const data = (options.joinShortRows ? joinShortRecords(rows, names.length) : rows).filter((r) => r.length === names.length);
  const looked: SniffResult = {
    ...(gzip ? { compression: 'gzip' as const } : bzip2 ? { compression: 'bzip2' as const } : {}),
    encoding: detection.encoding,
    ...(options.encoding ? { encodingGiven: true as const } : {}),
    confidence: Number(detection.confidence.toFixed(2)),
    bom: detection.bom,
    delimiter: dialect.delimiter,
    quote: dialect.quote,
    header: dialect.header,
    lineEnding: dialect.lineEnding,
    columns: [],
    sampledRows: data.length,
  };
  // Inferred as the load casts: the same null markers, number format and zone.
  const infer: InferOptions = {
    ...options.infer,
    ...(options.nullValues ? { nullValues: options.nullValues } : {}),
    ...(options.decimalSeparator ? { decimalSeparator: options.decimalSeparator } : {}),
    ...(options.groupSeparator ? { groupSeparator: options.groupSeparator } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  };
  if (options.inferTypes === false)
    return { ...looked, columns: names.map((name) => ({ name, type: formatType({ kind: 'string' }), nullable: true })) };
  if (options.inferFrom === 'file') {
    if (!options.ctx) throw new Error("sniffFile: inferFrom 'file' needs the run's ctx");
    const whole = await inferCsvFile(objects, uri, options.ctx, {
      sniffed: looked,
      delimiter: looked.delimiter,
      ...(options.skipLines ? { skipLines: options.skipLines } : {}),
      ...(options.joinShortRows ? { joinShortRows: true } : {}),
      columns: names,
      infer,
    });
    return { ...looked, columns: columnsOf(whole.schema), sampledRows: whole.records };
  }
  return { ...looked, columns: columnsOf(inferSchema(names, data, infer)) };
}

const columnsOf = (schema: Schema): SniffResult['columns'] =>
  schema.fields.map((f) => ({ name: f.name, type: formatType(f.type), nullable: f.nullable }));

/**
 * Records with too few fields joined to the next, the break kept inside the field where they meet:
 * as `csvReader`'s `joinShortRows` joins them for the load (a value with an unquoted line break).
 */
function joinShortRecords(records: readonly string[][], width: number): string[][] {
  const joined: string[][] = [];
  let short: string[] | undefined;
  for (const record of records) {
    const fields = short ? [...short.slice(0, -1), `${short.at(-1) ?? ''}\n${record[0] ?? ''}`, ...record.slice(1)] : record;
    short = fields.length < width ? fields : undefined;
    if (!short) joined.push(fields);
  }
  return joined;
}

/** An input that is not there, as every reader says it. */
export function notThere(uri: string): TerminalError {
  return new TerminalError('NOT_FOUND', `${uri} does not exist: check the path or S3 URI`, { details: { uri } });
}

/** The format of an input (`formatOf`), but a file that is not there is said to be missing first, whatever its name. */
export async function inputFormatOf(objects: ObjectStore, uri: string, explicit?: string): Promise<FileFormat> {
  try {
    return formatOf(uri, explicit);
  } catch (error) {
    if (explicit === undefined && !(await objects.head(uri))) throw notThere(uri);
    throw error;
  }
}
