import type { CatalogColumn, Partition, TableDefinition } from '@etl/catalog';
import type { LocalService } from '@etl/local-aws';

/**
 * A pipeline's final state in comparable form: named collections of canonical rows (one string per
 * S3 row, warehouse row, DynamoDB item, watermark, catalog table or partition). Two runs agree when
 * every collection holds the same rows the same number of times; run ids, times and this run's own
 * names (bucket, table suffix) must not appear in them (the harness strips the names).
 */
export type Digest = Record<string, string[]>;

/** What one campaign run may touch on the shared local stack: its own bucket and names, and readers of the state. */
export interface CampaignKit {
  readonly pipeline: string;
  /** This run's own S3 bucket, created empty: every input and output of the run goes under `s3://<bucket>/`. */
  readonly bucket: string;
  /** A name only this run uses (tables, databases, DynamoDB tables): `base` with the run's suffix. */
  name(base: string): string;
  /** This run's local folder: the pipeline's working directory (its `.local/`). */
  readonly workDir: string;
  /** The local stack's AWS environment (endpoints, credentials, region). */
  readonly env: Readonly<Record<string, string>>;
  put(uri: string, body: string | Uint8Array): Promise<void>;
  /** Writes a Parquet file: columns by catalog (Hive) type, each value as text cast to it (empty is null). */
  putParquet(uri: string, columns: readonly CatalogColumn[], rows: ReadonlyArray<readonly string[]>): Promise<void>;
  /** Keys under `prefixUri`, relative to it, sorted. */
  keys(prefixUri: string): Promise<string[]>;
  /** An object's text, or undefined when there is none. */
  text(uri: string): Promise<string | undefined>;
  /** A data file's rows (CSV, NDJSON or Parquet by extension) as NDJSON lines. */
  rows(uri: string): Promise<string[]>;
  /** The rows of the files a dataset folder's `_manifest.json` names (what readers see); none without a manifest. */
  datasetRows(folderUri: string): Promise<string[]>;
  /** The rows of the files named by every `_manifest.json` below a folder (an append dataset: one per published run). */
  manifestRows(folderUri: string): Promise<string[]>;
  /** A query on the local Redshift (Data API); rows as arrays of values. */
  sql(query: string, parameters?: Record<string, string>): Promise<unknown[][]>;
  /** Creates a DynamoDB table keyed by string attributes (hash, then range) and writes the items (DynamoDB JSON). */
  createItems(table: string, key: readonly string[], items: ReadonlyArray<Record<string, unknown>>): Promise<void>;
  /** Every item of a DynamoDB table as canonical JSON (attributes sorted), or none when the table does not exist. */
  items(table: string): Promise<string[]>;
  /** Creates or replaces a Glue table (and its database). */
  upsertTable(table: TableDefinition): Promise<void>;
  /** The Glue tables of a database (none when it does not exist). */
  tables(database: string): Promise<TableDefinition[]>;
  partitions(database: string, table: string): Promise<Partition[]>;
}

/** How large a campaign's inputs are: small for the specs `npm test` runs, larger for the long campaigns. */
export interface CampaignScale {
  rows: number;
}

/** A log message (regular expression over the `msg` of a log line) that starts a phase of the run. */
export interface PhaseMark {
  phase: string;
  when: RegExp;
}

/** How a CSV-reading pipeline is given one file (chaos:inputs). */
export interface CsvInput {
  /**
   * The pipeline's arguments to load the CSV file at `uri` (a local path; a folder ending in `/` with `prefix`).
   * The generated hostile files have an `id` column first, then `name`: name them as the key (and, for a
   * pipeline that takes a schema, seed one of `id varchar` and `name varchar` in `seed`).
   */
  args(kit: CampaignKit, uri: string): string[];
  /** Reads every file under a prefix ending in `/` (chaos:load's many small files). */
  prefix?: boolean;
}

/**
 * A pipeline's campaign spec (`pipelines/<name>/src/campaign.contract.ts`, exported as `campaign`): how to
 * seed its inputs on the local AWS stack, its arguments, and how to read its final state as a digest.
 */
export interface CampaignSpec {
  pipeline: string;
  /** The stand-ins it needs. */
  services: readonly LocalService[];
  /** Phases in run order (reading, staging, writing, committing …); before the first mark a run is `starting`. */
  phases: readonly PhaseMark[];
  /** Writes the inputs of one run. */
  seed(kit: CampaignKit, scale: CampaignScale): Promise<void>;
  args(kit: CampaignKit): string[];
  digest(kit: CampaignKit): Promise<Digest>;
  /** Watermarks that claim more than the published data holds, one line each (checked after the kill and after the rerun). */
  watermarkAhead?(kit: CampaignKit): Promise<string[]>;
  /** Staging a run leaves while it works (warehouse `stg%` tables, staged files): what the rerun adds and leaves is a leftover. */
  staging?(kit: CampaignKit): Promise<string[]>;
  /** For a pipeline that reads CSV files: how it is given one (chaos:inputs). */
  csv?: CsvInput;
  /** The memory its job declares (`resources.ts` `memoryMiB`): chaos:load's bound on the run's peak RSS. */
  memoryMiB: number;
  /** chaos:load: writes many small input files under one prefix instead of `seed`'s, for the same arguments. */
  manyFiles?(kit: CampaignKit, load: { files: number; rowsPerFile: number }): Promise<void>;
}
