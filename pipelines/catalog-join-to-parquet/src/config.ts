import { fileURLToPath } from 'node:url';
import { arg, type JobConfig } from '@etl/runtime';

/** The bundled sample (found beside the code in the repo, src/, and in the image, dist/). */
export const sampleDir = fileURLToPath(new URL('../sample/', import.meta.url));
/** The sample database: registered in the embedded file catalog from sample/tables.json when a run names it. */
export const SAMPLE_DATABASE = 'join_sample';

/** Seed 002's arguments (its names), plus the join's settings, guards and bounds this rebuild adds. */
export const catalogJoinArgs = {
  database_name: arg.data(arg.string('Glue database whose tables are joined, every one unless --tables'), SAMPLE_DATABASE),
  timestamp_s3_path: arg.data(
    arg.location(
      "CSV of the watermarks (table_name,last_updated_at, one row per table; the seed's one-value form is read as every table's); missing: a full load",
    ),
    '.local/state/catalog-join-to-parquet/last_load_timestamp.csv',
  ),
  output_path: arg.data(
    arg.location(
      'Where the joined rows go: <output_path>/load_date=YYYY-MM-DD/run_id=<run id>/part-*.parquet (s3://bucket/prefix or a path)',
    ),
    '.local/out/catalog-join-to-parquet',
  ),
  load_type: arg.enum(
    ['full', 'incremental'] as const,
    'incremental',
    "full: the whole join, whatever the timestamp file says (needed once after the join changes); incremental: the keys changed since each table's watermark (no timestamp file: a full load)",
  ),
  join_key: arg.string('The join key column, and its name in the output').default('account_id'),
  join_keys: arg.list('Per-table key columns where they differ: orders=acct_id,tickets=account (comma-separated)').optional(),
  join_type: arg.enum(
    ['inner', 'left', 'full'] as const,
    'inner',
    "inner (as Glue's Join.apply), left (every row of --driving_table) or full",
  ),
  driving_table: arg.optionalString('--join_type left: the table every output row comes from [default: the first table by name]'),
  tables: arg.list('Only these tables of the database (comma-separated) [default: every table]').optional(),
  change_column: arg.string('The column incremental runs find changes by').default('updated_at'),
  on_table_error: arg.enum(
    ['fail', 'skip'] as const,
    'fail',
    'A table that cannot be read: fail (nothing published, no watermark moves) or skip (left out of the join, its watermark unchanged, as the seed)',
  ),
  max_fanout: arg.positiveInt(
    'A key that would produce more joined rows than this (its rows in each table multiplied) fails the run, naming it',
    1000,
  ),
  memory_mb: arg.positiveInt(
    'Memory for the join (MiB): every table is hash-partitioned to --temp_dir and one partition of each is held at a time, at most a quarter of this as spill files; give about half of what the process may use',
    256,
    { min: 16, why: "the spill machinery's least" },
  ),
  catalog_database: arg.optionalString(
    'Register the output in this catalog database after each publish: a table partitioned by load_date and run_id, the run added as a partition',
  ),
  catalog_table: arg.optionalString("The registered table's name [default: <database_name>_joined]"),
  temp_dir: arg.optionalFolder("Folder for the join's spill files (about the tables' size) [default: the OS temp folder]"),
};

/** The job's configuration as `run` sees it. */
export type CatalogJoinConfig = JobConfig<typeof catalogJoinArgs> & { local_dir?: string };
