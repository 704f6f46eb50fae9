export type { FieldType, Field, Schema } from './types.js';
export { parseType, formatType, keyFields, SchemaError } from './types.js';
export { parseSchemaCsv } from './schema-csv.js';
export { parseSchemaJson, parseSchemaFile } from './schema-json.js';
export type { Value, CastResult, CastOptions, Caster } from './cast.js';
export { castValue, compileCaster, CastFailure } from './cast.js';
export type { Row, CastStageOptions, CastPlan } from './cast-stage.js';
export { castStage, planColumns, castRecord } from './cast-stage.js';
export type { ColumnNameOptions } from './column-names.js';
export { cleanColumnNames } from './column-names.js';
export type { InferOptions } from './infer.js';
export { inferSchema, SchemaInference } from './infer.js';
export type { ParquetColumnType, ParquetPhysical, AttributeValue } from './mappings.js';
export {
  redshiftType,
  parquetType,
  decimalBytes,
  toAttributeValue,
  attributeKindOf,
  formatValue,
  trimFraction,
  isoMicros,
} from './mappings.js';
export type { ConstantColumn } from './metadata-stage.js';
export { metadataColumns, metadataStage, METADATA_FIELDS } from './metadata-stage.js';
export { civilDate, civilYmd, daysFromCivil, daysInMonth } from './calendar.js';
export type { ColumnBatch, Column, ColumnData, ColumnLayout } from './column-batch.js';
export {
  allocateColumn,
  allocateColumns,
  columnLayout,
  columnsOf,
  decimalText,
  int64Number,
  rowsOf,
  setInt64,
  setValue,
  valueAt,
} from './column-batch.js';
export type { ColumnCastPlan, ColumnSpans, ColumnWriter, PlainWriter } from './cast-columns.js';
export { castColumns, columnCastPlan } from './cast-columns.js';
export type { ColumnFacts } from './column-facts.js';
export { emptyFacts, mergeFacts, observeFacts } from './column-facts.js';
export type { PackedColumns } from './column-transfer.js';
export { packColumns, unpackColumns } from './column-transfer.js';
