import { fileURLToPath } from 'node:url';
import { arg } from '@etl/runtime';

/** The bundled Shift_JIS sample and its schema, found beside the code in the repo and in the image. */
export const bundledSample = fileURLToPath(new URL('../sample/inventory.csv', import.meta.url));
export const bundledSchema = fileURLToPath(new URL('../sample/inventory-schema.csv', import.meta.url));
export const SAMPLE_TABLE = 'inventory-sample';

export const inventoryArgs = {
  source: arg.data(arg.location('Inventory CSV: s3://bucket/key or a path'), bundledSample),
  schema: arg.data(arg.location('Schema-definition CSV (column_name,data_type[,nullable][,key_order]) or its JSON form'), bundledSchema),
  table_prefix: arg.data(arg.string('Target DynamoDB table: the lexically greatest table whose name starts with this'), SAMPLE_TABLE),
  output: arg.data(arg.location('Parquet output prefix; files go to <output>/run_date=YYYY-MM-DD/'), '.local/out/inventory/'),
  error_prefix: arg.optionalLocation(
    'Where errors, rejects and logs go (seed 000 error-log prefix): <error_prefix>/<run id>/; the same as --run_output',
  ),
  key_attribute: arg.optionalString(
    "Key attribute of a compound key (key_order columns joined with #) [default: the table's partition key; pk for a created table]",
  ),
  encoding: arg.optionalString('Source text encoding (WHATWG label, e.g. shift_jis); detected when absent'),
  parquet_threads: arg.optionalPositiveInt(
    'Threads the Parquet file is written on: workers parse, type and encode its chunks (default: every core, but one per 64 MiB of file as stored, so a file under 128 MiB takes one, and within a quarter of the memory; 1: one thread). The DynamoDB pass reads on one',
  ),
  max_concurrency: arg.positiveInt('BatchWriteItem requests in flight at once (25 items each)', 4),
  create_table: arg.enum(
    ['auto', 'yes', 'no'] as const,
    'auto',
    `Create the table when no table matches the prefix (keyed by --key_attribute, default pk), after the file passed its checks: auto = only for the sample table (${SAMPLE_TABLE}), yes = any, no = never`,
  ),
};
