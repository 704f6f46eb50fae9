export type { TableFile } from './table-files.js';
export { tableFiles, isHiddenKey } from './table-files.js';
export type { OpenTextRows, ReadWindow, TableReadOptions, TableReadStats, TableRows } from './table-rows.js';
export { tableRows } from './table-rows.js';
export { tableSchema, catalogType } from './table-schema.js';
export type { TextLayout } from './text-layout.js';
export { textLayout } from './text-layout.js';
export { instantOf } from './values.js';
