import type { ParquetColumnType } from '@etl/schema';
import {
  binary,
  bool,
  CompactType,
  encodeStruct,
  i32,
  i64,
  i8,
  list,
  struct,
  type ThriftField,
  type ThriftValue,
} from '../thrift/compact-writer.js';

/**
 * The parts of parquet.thrift this writer emits, as thrift structs. Field ids and enum values are the
 * format's (https://github.com/apache/parquet-format/blob/master/src/main/thrift/parquet.thrift).
 */

export const PhysicalType = {
  BOOLEAN: 0,
  INT32: 1,
  INT64: 2,
  INT96: 3,
  FLOAT: 4,
  DOUBLE: 5,
  BYTE_ARRAY: 6,
  FIXED_LEN_BYTE_ARRAY: 7,
} as const;
export const Encoding = { PLAIN: 0, PLAIN_DICTIONARY: 2, RLE: 3 } as const;
export const Codec = { none: 0, snappy: 1, gzip: 2, zstd: 6 } as const;
const PageType = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const;
const Repetition = { REQUIRED: 0, OPTIONAL: 1 } as const;
const ConvertedType = {
  UTF8: 0,
  DECIMAL: 5,
  DATE: 6,
  TIMESTAMP_MILLIS: 9,
  TIMESTAMP_MICROS: 10,
  INT_16: 16,
  INT_32: 17,
  INT_64: 18,
  JSON: 19,
} as const;

export type CompressionName = keyof typeof Codec;

export interface ColumnSpec {
  name: string;
  type: ParquetColumnType;
  nullable: boolean;
}

export interface ChunkStatistics {
  nullCount: number;
  min?: Uint8Array;
  max?: Uint8Array;
}

/** What a written column chunk needs in the footer. */
export interface ChunkMeta {
  column: ColumnSpec;
  encodings: number[];
  codec: number;
  numValues: number;
  uncompressedSize: number;
  compressedSize: number;
  dataPageOffset: number;
  dictionaryPageOffset?: number;
  statistics: ChunkStatistics;
}

export interface RowGroupMeta {
  chunks: ChunkMeta[];
  numRows: number;
  fileOffset: number;
}

export function dataPageHeader(p: { uncompressedSize: number; compressedSize: number; numValues: number; encoding: number }): Uint8Array {
  return encodeStruct([
    [1, i32(PageType.DATA_PAGE)],
    [2, i32(p.uncompressedSize)],
    [3, i32(p.compressedSize)],
    [5, struct([1, i32(p.numValues)], [2, i32(p.encoding)], [3, i32(Encoding.RLE)], [4, i32(Encoding.RLE)])],
  ]);
}

export function dictionaryPageHeader(p: { uncompressedSize: number; compressedSize: number; numValues: number }): Uint8Array {
  return encodeStruct([
    [1, i32(PageType.DICTIONARY_PAGE)],
    [2, i32(p.uncompressedSize)],
    [3, i32(p.compressedSize)],
    [7, struct([1, i32(p.numValues)], [2, i32(Encoding.PLAIN_DICTIONARY)])],
  ]);
}

export function fileMetaData(p: {
  columns: ColumnSpec[];
  rowGroups: RowGroupMeta[];
  createdBy: string;
  keyValue: Record<string, string>;
}): Uint8Array {
  const numRows = p.rowGroups.reduce((sum, g) => sum + g.numRows, 0);
  const root = struct([4, binary('schema')], [5, i32(p.columns.length)]);
  const kv = Object.entries(p.keyValue).map(([k, v]) => struct([1, binary(k)], [2, binary(v)]));
  return encodeStruct([
    [1, i32(1)],
    [2, list(CompactType.Struct, [root, ...p.columns.map(schemaElement)])],
    [3, i64(numRows)],
    [4, list(CompactType.Struct, p.rowGroups.map(rowGroup))],
    [5, kv.length > 0 ? list(CompactType.Struct, kv) : undefined],
    [6, binary(p.createdBy)],
    // TypeDefinedOrder for every column: without it readers ignore min_value/max_value.
    [
      7,
      list(
        CompactType.Struct,
        p.columns.map(() => struct([1, struct()])),
      ),
    ],
  ]);
}

function rowGroup(g: RowGroupMeta): ThriftValue {
  const compressed = g.chunks.reduce((sum, c) => sum + c.compressedSize, 0);
  const uncompressed = g.chunks.reduce((sum, c) => sum + c.uncompressedSize, 0);
  return struct(
    [1, list(CompactType.Struct, g.chunks.map(columnChunk))],
    [2, i64(uncompressed)],
    [3, i64(g.numRows)],
    [5, i64(g.fileOffset)],
    [6, i64(compressed)],
  );
}

function columnChunk(c: ChunkMeta): ThriftValue {
  const stats = c.statistics;
  const statistics = struct(
    [3, i64(stats.nullCount)],
    [5, stats.max === undefined ? undefined : binary(stats.max)],
    [6, stats.min === undefined ? undefined : binary(stats.min)],
  );
  const meta = struct(
    [1, i32(PhysicalType[c.column.type.physical])],
    [2, list(CompactType.I32, c.encodings.map(i32))],
    [3, list(CompactType.Binary, [binary(c.column.name)])],
    [4, i32(c.codec)],
    [5, i64(c.numValues)],
    [6, i64(c.uncompressedSize)],
    [7, i64(c.compressedSize)],
    [9, i64(c.dataPageOffset)],
    [11, c.dictionaryPageOffset === undefined ? undefined : i64(c.dictionaryPageOffset)],
    [12, statistics],
  );
  return struct([2, i64(c.dictionaryPageOffset ?? c.dataPageOffset)], [3, meta]);
}

function schemaElement(column: ColumnSpec): ThriftValue {
  const { physical, logical, typeLength } = column.type;
  const fields: ThriftField[] = [
    [1, i32(PhysicalType[physical])],
    [2, typeLength === undefined ? undefined : i32(typeLength)],
    [3, i32(column.nullable ? Repetition.OPTIONAL : Repetition.REQUIRED)],
    [4, binary(column.name)],
  ];
  // Converted types too, for readers that predate LogicalType (older Hive/Athena engines).
  switch (logical?.type) {
    case undefined:
      break;
    case 'STRING':
      fields.push([6, i32(ConvertedType.UTF8)], [10, struct([1, struct()])]);
      break;
    case 'JSON':
      fields.push([6, i32(ConvertedType.JSON)], [10, struct([12, struct()])]);
      break;
    case 'DATE':
      fields.push([6, i32(ConvertedType.DATE)], [10, struct([6, struct()])]);
      break;
    case 'DECIMAL':
      fields.push(
        [6, i32(ConvertedType.DECIMAL)],
        [7, i32(logical.scale)],
        [8, i32(logical.precision)],
        [10, struct([5, struct([1, i32(logical.scale)], [2, i32(logical.precision)])])],
      );
      break;
    case 'INTEGER': {
      const converted =
        logical.bitWidth === 16 ? ConvertedType.INT_16 : logical.bitWidth === 32 ? ConvertedType.INT_32 : ConvertedType.INT_64;
      fields.push([6, i32(converted)], [10, struct([10, struct([1, i8(logical.bitWidth)], [2, bool(true)])])]);
      break;
    }
    case 'TIMESTAMP': {
      // The legacy TIMESTAMP_MICROS annotation means UTC-adjusted; local times carry only the logical type.
      if (logical.isAdjustedToUTC) fields.push([6, i32(ConvertedType.TIMESTAMP_MICROS)]);
      fields.push([10, struct([8, struct([1, bool(logical.isAdjustedToUTC)], [2, struct([2, struct()])])])]);
      break;
    }
  }
  return struct(...fields);
}
