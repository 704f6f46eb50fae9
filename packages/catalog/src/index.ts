export type { Catalog, TableDefinition, CatalogColumn, Partition, TableFormat, TableSerde } from './catalog.js';
export { GlueCatalog } from './glue/glue-catalog.js';
export { FileCatalog } from './file/file-catalog.js';
