import { fileURLToPath } from 'node:url';
import { arg } from '@etl/runtime';

/** The bundled sample (found beside the code in the repo, src/, and in the image, dist/). */
export const sampleDir = fileURLToPath(new URL('../sample/', import.meta.url));
/** The sample database: registered in the embedded file catalog from sample/tables.json when a run names it. */
export const SAMPLE_DATABASE = 'cdc_sample';

/** Seed 001's arguments (its names), plus the bounds and the lag this rebuild adds. */
export const catalogCdcArgs = {
  athena_database_name: arg.data(arg.string('Glue (Athena) database whose tables are loaded, every one unless --tables'), SAMPLE_DATABASE),
  output_path: arg.data(
    arg.location('Where each table goes: <output_path>/<table>/changes/ and <table>/current/ (s3://bucket/prefix or a path)'),
    '.local/out/catalog-cdc-to-parquet',
  ),
  cdc_path: arg.data(
    arg.location('Where the watermarks are kept: <cdc_path>/<table>.json (s3://bucket/prefix or a path)'),
    '.local/cdc/catalog-cdc-to-parquet',
  ),
  primary_key_s3_prefix: arg.data(
    arg.location('Prefix of the primary-key CSVs (table_name,primary_key); the newest by LastModified, then key, is used'),
    `${sampleDir}primary_keys/`,
  ),
  load_type: arg.enum(
    ['full', 'incremental'] as const,
    'incremental',
    'full ignores the watermarks; incremental with no watermark is a full load',
  ),
  tables: arg.list('Only these tables of the database (comma-separated) [default: every table]').optional(),
  lag_seconds: arg.positiveInt(
    'Rows committed up to this many seconds late (stamped before the watermark) are still caught: each run re-reads that far back',
    0,
    { min: 0, why: '0 re-reads only rows stamped at the watermark' },
  ),
  memory_mb: arg.positiveInt(
    'Memory for dedup per table (MiB): rows are held up to it, then hash-partitioned to --temp_dir; give about half of what the process may use',
    256,
    { min: 32, why: 'an incremental load runs two dedups of at least 16 MiB each' },
  ),
  temp_dir: arg.optionalFolder('Folder for dedup spill files [default: the OS temp folder]'),
  catalog_database: arg.optionalString('Register <table> (current state) and <table>_changes in this catalog database after each publish'),
  keep_generations: arg.positiveInt(
    'Generations of <table>/current/ kept, the new one included (the one before stays for readers still on it); at least 2 with --catalog_database',
    2,
  ),
};
