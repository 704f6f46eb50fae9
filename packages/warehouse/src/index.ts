export type { Warehouse, QueryResult, ColumnInfo, SqlValue, SqlParameters, CsvLoad, WarehouseCallOptions } from './warehouse.js';
export type { RedshiftDataOptions } from './redshift-data/redshift-data-warehouse.js';
export { RedshiftDataWarehouse } from './redshift-data/redshift-data-warehouse.js';
export { PgliteWarehouse } from './pglite/pglite-warehouse.js';
