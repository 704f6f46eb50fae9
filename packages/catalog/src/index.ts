export type { Catalog, TableDefinition, CatalogColumn, Partition, TableFormat, TableSerde } from './catalog.js';
export { GlueCatalog } from './glue/glue-catalog.js';
export { FileCatalog } from './file/file-catalog.js';
export type { ChangeRemedies, TableChange } from './table-change.js';
export { planTableChange, refusedChange, publishTable } from './table-change.js';
export { pickTables, selectTables } from './select-tables.js';
export { readTablesFile, registerTablesFile } from './tables-file.js';
