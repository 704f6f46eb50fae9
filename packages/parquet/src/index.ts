export type { EncodedRowGroup, ParquetWriterOptions } from './write/parquet-writer.js';
export { ParquetWriter, parquetColumns, SCHEMA_METADATA_KEY } from './write/parquet-writer.js';
export type { CompressionName, ColumnSpec } from './write/format.js';
export type { RandomAccessFile } from './read/random-access.js';
export { bytesFile } from './read/random-access.js';
export type { ColumnStatistics, RowGroupInfo, RowGroupPredicate, ParquetRow, ReadOptions } from './read/parquet-file.js';
export { ParquetFile, ParquetReadError, maxAfter } from './read/parquet-file.js';
export { decimalText } from './read/values.js';
