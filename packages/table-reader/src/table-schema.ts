import type { CatalogColumn, TableDefinition } from '@etl/catalog';
import { parseType, SchemaError, type Field, type FieldType, type Schema } from '@etl/schema';

/** Hive/Athena names our schema types do not spell the same way. */
const HIVE_TYPES: Record<string, string> = { tinyint: 'smallint', binary: 'varchar', float: 'double' };

/** A catalog column's type as an `@etl/schema` type: complex types (array, map, struct) are JSON text. */
export function catalogType(column: CatalogColumn): FieldType {
  const text = column.type.trim().toLowerCase();
  if (/^(array|map|struct|uniontype)\s*</.test(text)) return { kind: 'json' };
  try {
    return parseType(HIVE_TYPES[text] ?? text);
  } catch (error) {
    throw new SchemaError(`column ${column.name}: ${(error as Error).message}`);
  }
}

/**
 * The rows' schema: the data columns, then the partition keys (as Athena shows a table), every
 * column nullable (a catalog declares no constraints). A bad type is a `SchemaError` naming its column.
 */
export function tableSchema(table: Pick<TableDefinition, 'columns' | 'partitionKeys'>): Schema {
  const field = (column: CatalogColumn): Field => ({ name: column.name, type: catalogType(column), nullable: true });
  return { fields: [...table.columns.map(field), ...table.partitionKeys.map(field)] };
}
