import type { Field, Schema } from '@etl/schema';
import { parseType } from '@etl/schema';
import {
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
  type AsyncBuffer,
  type FileMetaData,
  type SchemaElement,
  type SchemaTree,
} from 'hyparquet';
import { SCHEMA_METADATA_KEY } from '../write/parquet-writer.js';
import { decompressors } from './decompressors.js';
import type { RandomAccessFile } from './random-access.js';
import { bigEndianSigned, decimalText, parsers } from './values.js';

/** A file that is not readable Parquet, or a row group that does not decode; names the file. */
export class ParquetReadError extends Error {
  override readonly name = 'ParquetReadError';
}

export interface ColumnStatistics {
  min?: unknown;
  max?: unknown;
  nullCount?: number;
}

export interface RowGroupInfo {
  index: number;
  rows: number;
  /** Index of the group's first row in the file. */
  firstRow: number;
  compressedBytes: number;
  /** Top-level flat columns' statistics, values as the reader returns them; absent when unknown or inexact. */
  statistics: Record<string, ColumnStatistics>;
}

/** Decides from statistics alone whether a row group may hold wanted rows (false skips it unread). */
export type RowGroupPredicate = (group: RowGroupInfo) => boolean;

export type ParquetRow = Record<string, unknown>;

export interface ReadOptions {
  /** Top-level columns to read (default all); others are not fetched. */
  columns?: readonly string[];
  /** Row groups to read, decided on statistics (see `maxAfter`). */
  rowGroups?: RowGroupPredicate;
}

/**
 * A Parquet file opened for reading: the footer is parsed once, row groups are read one at a time
 * with byte-range reads of just the requested columns. Decoding is hyparquet's (every encoding and
 * codec of the format, nested types); value representation is ours (see values.ts) so DECIMAL stays exact.
 * Memory: one row group of the requested columns, decoded, at a time.
 */
export class ParquetFile {
  private constructor(
    readonly file: RandomAccessFile,
    readonly metadata: FileMetaData,
    /** Top-level DECIMAL columns and their scale, read raw and converted here. */
    private readonly decimals: Map<string, number>,
    /** Top-level INT96 timestamp columns, read as their 12 raw bytes and converted here. */
    private readonly int96: Set<string>,
    readonly rowGroups: RowGroupInfo[],
    readonly schema: Schema,
  ) {}

  static async open(file: RandomAccessFile): Promise<ParquetFile> {
    if (file.size < 12) throw new ParquetReadError(`${file.name}: ${file.size} bytes is too small to be a Parquet file`);
    const tail = Buffer.from(await file.read(file.size - 4, file.size)).toString('latin1');
    if (tail === 'PARE')
      throw new ParquetReadError(`${file.name}: the file is encrypted (Parquet modular encryption); decrypt it before reading`);
    if (tail !== 'PAR1') throw new ParquetReadError(`${file.name}: not a Parquet file (it does not end with "PAR1")`);
    let metadata: FileMetaData;
    const reads = failedReads(file);
    try {
      metadata = await parquetMetadataAsync(asyncBuffer(reads.file), { parsers, geoparquet: false });
    } catch (error) {
      // A read that failed (S3 answering 500 after the SDK's attempts, a lost connection) is the store's
      // error, transient as such; only bytes that do not parse make the file unreadable.
      if (reads.failure !== undefined) throw reads.failure;
      throw new ParquetReadError(`${file.name}: unreadable footer: ${failure(error)}`, { cause: error });
    }
    padOldParquetMrChunks(metadata, file.size);
    const tree = parquetSchema(metadata);
    const decimals = new Map<string, number>();
    for (const child of tree.children) {
      const element = child.element;
      if (child.children.length === 0 && (element.converted_type === 'DECIMAL' || element.logical_type?.type === 'DECIMAL')) {
        decimals.set(element.name, element.scale ?? (element.logical_type?.type === 'DECIMAL' ? element.logical_type.scale : 0));
        // hyparquet would turn these into floats; without the annotation it hands over the raw integers.
        delete element.converted_type;
        delete element.logical_type;
      }
    }
    const int96 = new Set<string>();
    for (const child of tree.children) {
      if (child.children.length > 0 || child.element.type !== 'INT96') continue;
      // hyparquet's INT96 decoding reads the nanos-of-day signed into the day bits and loses the day for
      // values Spark stores with a negative nanos-of-day; the raw 12 bytes are converted here instead.
      int96.add(child.element.name);
      child.element.type = 'FIXED_LEN_BYTE_ARRAY';
      child.element.type_length = 12;
      for (const group of metadata.row_groups) {
        for (const chunk of group.columns)
          if (chunk.meta_data?.path_in_schema.length === 1 && chunk.meta_data.path_in_schema[0] === child.element.name)
            chunk.meta_data.type = 'FIXED_LEN_BYTE_ARRAY';
      }
    }
    const rowGroups = describeRowGroups(metadata, tree, decimals);
    const schema = schemaOf(metadata, tree, decimals);
    for (const field of schema.fields) if (int96.has(field.name)) field.type = { kind: 'timestamp', withZone: false };
    return new ParquetFile(file, metadata, decimals, int96, rowGroups, schema);
  }

  /** Rows in all row groups (some writers leave the footer's own total at 0). */
  get numRows(): number {
    return this.rowGroups.reduce((sum, g) => sum + g.rows, 0);
  }

  /** Every row of one row group (projected), in file order. */
  async readRowGroup(index: number, options: Pick<ReadOptions, 'columns'> = {}): Promise<ParquetRow[]> {
    const group = this.rowGroups[index];
    if (!group) throw new RangeError(`${this.file.name} has ${this.rowGroups.length} row groups, not ${index + 1}`);
    const columns = options.columns ? [...options.columns] : undefined;
    const unknown = columns?.filter((c) => !this.schema.fields.some((f) => f.name === c));
    if (unknown && unknown.length > 0)
      throw new ParquetReadError(
        `${this.file.name} has no column ${unknown.join(', ')} (columns: ${this.schema.fields.map((f) => f.name).join(', ')})`,
      );
    let rows: ParquetRow[];
    try {
      rows = (await parquetReadObjects({
        file: asyncBuffer(this.file),
        metadata: this.metadata,
        ...(columns ? { columns } : {}),
        rowStart: group.firstRow,
        rowEnd: group.firstRow + group.rows,
        compressors: decompressors,
        parsers,
        utf8: false,
      })) as ParquetRow[];
    } catch (error) {
      throw new ParquetReadError(`${this.file.name}: row group ${index}: ${failure(error)}`, { cause: error });
    }
    if (rows.length !== group.rows)
      throw new ParquetReadError(
        `${this.file.name}: row group ${index} declares ${group.rows} rows but ${rows.length} decoded (corrupt file?)`,
      );
    if (this.decimals.size > 0) for (const row of rows) this.convertDecimals(row);
    if (this.int96.size > 0) for (const row of rows) this.convertInt96(row);
    return rows;
  }

  /** Row groups in order, skipping those the predicate rules out; one group in memory at a time. */
  async *batches(options: ReadOptions = {}): AsyncGenerator<{ rowGroup: number; rows: ParquetRow[] }> {
    for (const group of this.rowGroups) {
      if (options.rowGroups && !options.rowGroups(group)) continue;
      yield { rowGroup: group.index, rows: await this.readRowGroup(group.index, options) };
    }
  }

  /**
   * INT96: 8 bytes nanos-of-day, 4 bytes Julian day -> bigint micros. Both are read signed and the sum
   * wraps to 64 bits, which is how Spark writes (and reads back) instants whose Julian microseconds
   * overflow int64, such as year 290000 in int96_from_spark.parquet.
   */
  private convertInt96(row: ParquetRow): void {
    for (const name of this.int96) {
      const v = row[name];
      if (!(v instanceof Uint8Array)) continue;
      const view = new DataView(v.buffer, v.byteOffset, v.byteLength);
      const nanos = view.getBigInt64(0, true);
      const micros = nanos / 1000n - (nanos % 1000n < 0n ? 1n : 0n);
      row[name] = BigInt.asIntN(64, (BigInt(view.getInt32(8, true)) - 2_440_588n) * 86_400_000_000n + micros);
    }
  }

  private convertDecimals(row: ParquetRow): void {
    for (const [name, scale] of this.decimals) {
      const v = row[name];
      if (v === null || v === undefined) continue;
      const unscaled =
        typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(v) : v instanceof Uint8Array ? bigEndianSigned(v) : undefined;
      if (unscaled === undefined)
        throw new ParquetReadError(`${this.file.name}: column ${name}: unexpected decimal representation ${typeof v}`);
      row[name] = decimalText(unscaled, scale);
    }
  }
}

/** Keeps row groups whose `column` may hold a value after `watermark` (incremental reads by `updated_at`). */
export function maxAfter(column: string, watermark: unknown): RowGroupPredicate {
  return (group) => {
    const max = group.statistics[column]?.max;
    if (max === undefined || max === null || typeof max !== typeof watermark) return true;
    return (max as number | bigint | string) > (watermark as number | bigint | string);
  };
}

/**
 * parquet-mr 1.2.8 and older left the dictionary page header out of `total_compressed_size`
 * (IMPALA-694), so the chunk read stops short. Like Arrow, pad such chunks by up to 100 bytes,
 * never past the next chunk or the footer.
 */
function padOldParquetMrChunks(metadata: FileMetaData, fileSize: number): void {
  const createdBy = metadata.created_by ?? '';
  const version = /^parquet-mr version (\d+)\.(\d+)\.(\d+)/.exec(createdBy);
  const numeric = version ? Number(version[1]) * 1e6 + Number(version[2]) * 1e3 + Number(version[3]) : 0;
  const old = createdBy.startsWith('parquet-mr') && numeric <= 1_002_008;
  if (!old) return;
  const footerStart = BigInt(fileSize - 8 - metadata.metadata_length);
  const chunks = metadata.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data)).filter((m) => m !== undefined);
  const starts = chunks.map((m) => m.dictionary_page_offset || m.data_page_offset).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const meta of chunks) {
    const start = meta.dictionary_page_offset || meta.data_page_offset;
    const next = starts.find((s) => s > start) ?? footerStart;
    const room = next - start - meta.total_compressed_size;
    if (room > 0n) meta.total_compressed_size += room < 100n ? room : 100n;
  }
}

/** `file`, remembering the first error its reads threw. */
function failedReads(file: RandomAccessFile): { file: RandomAccessFile; failure: unknown } {
  const seen: { file: RandomAccessFile; failure: unknown } = {
    failure: undefined,
    file: {
      name: file.name,
      size: file.size,
      read: async (start, end) => {
        try {
          return await file.read(start, end);
        } catch (error) {
          seen.failure ??= error;
          throw error;
        }
      },
    },
  };
  return seen;
}

function asyncBuffer(file: RandomAccessFile): AsyncBuffer {
  return {
    byteLength: file.size,
    async slice(start, end = file.size) {
      const bytes = await file.read(start, end);
      return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? (bytes.buffer as ArrayBuffer)
        : (new Uint8Array(bytes).buffer as ArrayBuffer); // a copy: Buffer#slice would share the pool
    },
  };
}

function describeRowGroups(metadata: FileMetaData, tree: SchemaTree, decimals: Map<string, number>): RowGroupInfo[] {
  const flat = new Set(tree.children.filter((c) => c.children.length === 0).map((c) => c.element.name));
  let firstRow = 0;
  return metadata.row_groups.map((group, index) => {
    const statistics: Record<string, ColumnStatistics> = {};
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      const name = meta?.path_in_schema[0];
      if (!meta || !name || meta.path_in_schema.length !== 1 || !flat.has(name)) continue;
      const s = meta.statistics;
      const exact = !decimals.has(name); // hyparquet decoded decimal bounds as floats
      statistics[name] = {
        ...(s?.null_count === undefined ? {} : { nullCount: Number(s.null_count) }),
        ...(exact && s?.min_value !== undefined ? { min: s.min_value } : {}),
        ...(exact && s?.max_value !== undefined ? { max: s.max_value } : {}),
      };
    }
    const info: RowGroupInfo = {
      index,
      rows: Number(group.num_rows),
      firstRow,
      compressedBytes: Number(group.total_compressed_size ?? group.total_byte_size),
      statistics,
    };
    firstRow += info.rows;
    return info;
  });
}

/** The `@etl/schema` schema: the one this writer stored in the footer, else derived from Parquet types. */
function schemaOf(metadata: FileMetaData, tree: SchemaTree, decimals: Map<string, number>): Schema {
  const stored = metadata.key_value_metadata?.find((kv) => kv.key === SCHEMA_METADATA_KEY)?.value;
  if (stored) {
    try {
      const fields = JSON.parse(stored) as Array<{ name: string; type: string; nullable: boolean; keyOrder?: number }>;
      return {
        fields: fields.map((f) => ({
          name: f.name,
          type: parseType(f.type),
          nullable: f.nullable,
          ...(f.keyOrder === undefined ? {} : { keyOrder: f.keyOrder }),
        })),
      };
    } catch {
      // fall through to the Parquet types
    }
  }
  return { fields: tree.children.map((child) => fieldOf(child, decimals)) };
}

function fieldOf(node: SchemaTree, decimals: Map<string, number>): Field {
  const e: SchemaElement = node.element;
  const nullable = e.repetition_type !== 'REQUIRED';
  const field = (type: string): Field => ({ name: e.name, type: parseType(type), nullable });
  if (node.children.length > 0 || e.repetition_type === 'REPEATED') return field('json');
  const scale = decimals.get(e.name);
  if (scale !== undefined) return field(`decimal(${e.precision ?? 38},${scale})`);
  const logical = e.logical_type?.type;
  switch (e.type) {
    case 'BOOLEAN':
      return field('boolean');
    case 'INT32':
      return field(
        logical === 'DATE' || e.converted_type === 'DATE'
          ? 'date'
          : e.converted_type === 'INT_16' || e.converted_type === 'INT_8'
            ? 'smallint'
            : 'int',
      );
    case 'INT64':
      if (logical === 'TIMESTAMP')
        return field(e.logical_type?.type === 'TIMESTAMP' && e.logical_type.isAdjustedToUTC ? 'timestamptz' : 'timestamp');
      return field(e.converted_type?.startsWith('TIMESTAMP') ? 'timestamptz' : 'bigint');
    case 'INT96':
      return field('timestamp');
    case 'FLOAT':
    case 'DOUBLE':
      return field('double');
    default:
      return field(logical === 'JSON' || e.converted_type === 'JSON' ? 'json' : 'string');
  }
}

/**
 * Why a read failed, for a person: the decoder's own errors say it, but a TypeError or RangeError
 * thrown from inside it ("Cannot read properties of undefined") means bytes it could not make sense of.
 */
function failure(error: unknown): string {
  const message = (error as Error).message;
  return error instanceof TypeError || error instanceof RangeError
    ? `corrupt data, or a feature this reader does not support (${message})`
    : message;
}
