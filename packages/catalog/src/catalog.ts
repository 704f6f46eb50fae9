/** A column as the catalog records it; types are Hive/Athena names (`bigint`, `decimal(38,18)`, `timestamp`). */
export interface CatalogColumn {
  name: string;
  type: string;
  comment?: string;
}

export type TableFormat = 'parquet' | 'csv' | 'json';

/** What a pipeline needs to know about a table: its columns, where its files are and how they are stored. */
export interface TableDefinition {
  database: string;
  name: string;
  columns: CatalogColumn[];
  partitionKeys: CatalogColumn[];
  /** Prefix URI of the table's files (`s3://lake/orders/`). */
  location: string;
  format: TableFormat;
  /** Free-form table parameters (`classification`, `skip.header.line.count` …). */
  parameters?: Record<string, string>;
  /**
   * How text files are laid out, as Hive declares it: the SerDe class and its parameters
   * (`separatorChar` for OpenCSVSerde, `field.delim` for LazySimpleSerDe). Absent: the format's default.
   */
  serde?: TableSerde;
}

export interface TableSerde {
  /** The SerDe class (`org.apache.hadoop.hive.serde2.OpenCSVSerde`, `…lazy.LazySimpleSerDe`). */
  library?: string;
  parameters?: Record<string, string>;
}

export interface Partition {
  /** One value per partition key, in key order. */
  values: string[];
  location: string;
}

/**
 * The port over a data catalog: the Glue Data Catalog on AWS, or JSON files for the embedded default.
 * Names are case-sensitive as given; Glue lowercases them, so keep them lowercase.
 */
export interface Catalog {
  readonly name: string;
  /** Every table of the database, in name order. A missing database is a `TerminalError` NOT_FOUND. */
  listTables(database: string): Promise<TableDefinition[]>;
  getTable(database: string, table: string): Promise<TableDefinition | undefined>;
  /** Creates the table (and its database) or replaces its definition: what a crawler does. */
  upsertTable(table: TableDefinition): Promise<void>;
  /** Adds partitions; ones that exist already are updated, so re-running a load is harmless. */
  addPartitions(database: string, table: string, partitions: readonly Partition[]): Promise<void>;
  listPartitions(database: string, table: string): Promise<Partition[]>;
  /** Removes partitions by their values (a snapshot's partitions the latest run no longer has); missing ones are skipped. */
  dropPartitions(database: string, table: string, values: ReadonlyArray<readonly string[]>): Promise<void>;
}
