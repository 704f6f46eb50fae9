export type { FieldType, Field, Schema } from './types.js';
export { parseType, formatType, keyFields, SchemaError } from './types.js';
export { parseSchemaCsv } from './schema-csv.js';
export type { Value, CastResult, CastOptions } from './cast.js';
export { castValue } from './cast.js';
export type { Row, CastStageOptions } from './cast-stage.js';
export { castStage, planColumns } from './cast-stage.js';
export type { ColumnNameOptions } from './column-names.js';
export { cleanColumnNames } from './column-names.js';
