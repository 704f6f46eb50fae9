import { fileURLToPath } from 'node:url';
import { arg } from '@etl/runtime';

/** The bundled sample, found beside the code both in the repo (src/) and in the image (dist/). */
export const bundledSample = fileURLToPath(new URL('../sample/customers.csv', import.meta.url));

export const csvToRedshiftArgs = {
  source: arg.data(
    arg.location(
      'CSV file to load, or a prefix ending in / to load every file under it (one transaction per file, in key order): s3://… or a path',
    ),
    bundledSample,
  ),
  target_table: arg.data(arg.string('Target table, schema.table'), 'public.customers'),
  upsert_keys: arg.data(arg.list('Upsert key columns, comma-separated, as the header names them or cleaned'), ['customer_id']),
  view_config: arg.optionalLocation('JSON file of views to create or refresh after the load (seed 003 view_config.json)'),
  iam_role: arg.optionalString('IAM role ARN Redshift uses for COPY (required on AWS)'),
  workgroup: arg.optionalString(
    'Redshift Serverless workgroup (Data API); with neither this nor --cluster_id the embedded warehouse is used',
  ),
  cluster_id: arg.optionalString('Provisioned Redshift cluster identifier (Data API)'),
  database: arg.optionalString('Database name [default dev]'),
  secret_arn: arg.optionalString('Secrets Manager ARN with the database credentials'),
  db_user: arg.optionalString('Database user for temporary credentials (provisioned clusters)'),
  staging_prefix: arg.optionalLocation(
    'Where typed staging CSV files are written for COPY (s3://… on AWS) [default: <local_dir>/staging/csv-to-redshift/]',
  ),
  staging_part_mb: arg.positiveInt(
    'Staged files are cut into parts of at most this many MB before gzip, at record boundaries; each part is COPYed into the staging table while the next is staged (smaller parts: more overlap, but one COPY statement, a commit on Redshift, per part)',
    16,
  ),
  staging_threads: arg.optionalPositiveInt(
    'Threads a file is staged on: workers parse, type and write its chunks as CSV (default: every core, but one per 64 MiB of file as stored, so a file under 128 MiB stages on one, and within a quarter of the memory; 1: one thread)',
  ),
  stale_staging_hours: arg.positiveInt(
    'Staging tables (target schema) and staged files (staging prefix) of runs that started more than this many hours ago were left by killed runs: a run drops them before it starts',
    24,
  ),
  encoding: arg.optionalString('Source text encoding (WHATWG label); detected when absent'),
  infer_from: arg.enum(
    ['sample', 'file'] as const,
    'sample',
    "Column types from the file's first MiB, or from every record (Spark's inferSchema: one more pass over the file, so a late text value types its column VARCHAR instead of being rejected)",
  ),
  dry_run: arg.flag('Print the plan (every DDL and DML statement, with its reason) and change nothing'),
  check_only: arg.flag(
    "Validate the environment and load nothing: read-only probes of the warehouse (it answers, the schema takes new tables, table and audit privileges), staging (an empty object written and deleted) and, on Redshift, COPY's IAM role (a 0-row COPY into a temporary table); prints what would fail; exit 0 when all pass, 2 otherwise",
  ),
  archive_prefix: arg.optionalLocation(
    'Where loaded files go: <archive_prefix>/yyyy/mm/<file> [default: archive/ beside the source folder]',
  ),
  unprocessed_prefix: arg.optionalLocation(
    'Where failed files go: <unprocessed_prefix>/yyyy/mm/<file> [default: unprocessed/ beside the source folder]',
  ),
  archive: arg.enum(
    ['auto', 'yes', 'no'] as const,
    'auto',
    'Move each source file to archive/yyyy/mm/ (success) or unprocessed/yyyy/mm/ (failure), siblings of its folder (seed 003: data/in/ -> data/archive/); auto: yes, except for the bundled sample',
  ),
};
