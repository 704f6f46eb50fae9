import type { Column, SerDeInfo, StorageDescriptor, Table } from '@aws-sdk/client-glue';
import type { CatalogColumn, TableDefinition, TableFormat, TableSerde } from '../catalog.js';

/** How each format is declared to Glue/Athena (the same descriptors a Glue crawler writes). */
const FORMATS: Record<TableFormat, Pick<StorageDescriptor, 'InputFormat' | 'OutputFormat' | 'SerdeInfo'>> = {
  parquet: {
    InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    SerdeInfo: {
      SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      Parameters: { 'serialization.format': '1' },
    },
  },
  csv: {
    InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
    OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde', Parameters: { separatorChar: ',' } },
  },
  json: {
    InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
    OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
  },
};

export function storageDescriptor(
  format: TableFormat,
  columns: readonly CatalogColumn[],
  location: string,
  serde?: TableSerde,
): StorageDescriptor {
  const declared = FORMATS[format];
  const serdeInfo = serde
    ? {
        SerializationLibrary: serde.library ?? declared.SerdeInfo?.SerializationLibrary,
        Parameters: serde.parameters ?? declared.SerdeInfo?.Parameters ?? {},
      }
    : declared.SerdeInfo;
  return { Columns: columns.map(toGlueColumn), Location: location, ...declared, ...(serdeInfo ? { SerdeInfo: serdeInfo } : {}) };
}

export function toGlueColumn(column: CatalogColumn): Column {
  return { Name: column.name, Type: column.type, ...(column.comment ? { Comment: column.comment } : {}) };
}

export function fromGlueTable(database: string, table: Table): TableDefinition {
  const storage = table.StorageDescriptor ?? {};
  return {
    database,
    name: String(table.Name),
    columns: (storage.Columns ?? []).map(fromGlueColumn),
    partitionKeys: (table.PartitionKeys ?? []).map(fromGlueColumn),
    location: storage.Location ?? '',
    format: formatOf(table),
    ...serdeOf(storage.SerdeInfo),
    ...(table.Parameters && Object.keys(table.Parameters).length > 0 ? { parameters: table.Parameters } : {}),
  };
}

function serdeOf(info: SerDeInfo | undefined): { serde?: TableSerde } {
  if (!info?.SerializationLibrary && !info?.Parameters) return {};
  return {
    serde: {
      ...(info.SerializationLibrary ? { library: info.SerializationLibrary } : {}),
      ...(info.Parameters && Object.keys(info.Parameters).length > 0 ? { parameters: info.Parameters } : {}),
    },
  };
}

function fromGlueColumn(column: Column): CatalogColumn {
  return { name: String(column.Name), type: String(column.Type), ...(column.Comment ? { comment: column.Comment } : {}) };
}

function formatOf(table: Table): TableFormat {
  const classification = table.Parameters?.['classification']?.toLowerCase();
  if (classification === 'parquet' || classification === 'csv' || classification === 'json') return classification;
  const serde = table.StorageDescriptor?.SerdeInfo?.SerializationLibrary ?? '';
  if (/parquet/i.test(serde)) return 'parquet';
  if (/json/i.test(serde)) return 'json';
  return 'csv';
}
