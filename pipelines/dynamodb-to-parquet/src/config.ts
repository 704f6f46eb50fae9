import { fileURLToPath } from 'node:url';
import { arg } from '@etl/runtime';

/** The bundled retail sample, found beside the code both in the repo (src/) and in the image (dist/). */
export const bundledSample = fileURLToPath(new URL('../sample/online-retail.csv', import.meta.url));
/** The embedded DynamoDB table the sample run populates from `bundledSample` when it does not exist. */
export const SAMPLE_TABLE = 'online-retail-sample';
export const SAMPLE_KEY = ['InvoiceNo', 'StockCode'];

/** `npx nx run dynamodb-to-parquet:run`: a table exported to a partitioned Parquet dataset, its catalog table updated. */
export const exportArgs = {
  table: arg.data(arg.string('DynamoDB table to export'), SAMPLE_TABLE),
  output_path: arg.data(
    arg.location(
      'Dataset folder (s3://bucket/prefix or a path): each run writes run_id=<run id>/ below it and then _manifest.json, which names it (atomic publish)',
    ),
    '.local/out/dynamodb-to-parquet/online-retail/',
  ),
  method: arg.enum(
    ['scan', 'export'] as const,
    'scan',
    "How the table is read: scan = parallel Scan of the live table (read capacity); export = DynamoDB's native export to S3 (ExportTableToPointInTime: point-in-time recovery on, no read capacity, files in --export_path)",
  ),
  export_path: arg.optionalLocation('--method export: the S3 folder DynamoDB writes its export files to (s3://bucket/prefix)'),
  since: arg.optionalString(
    '--method export: an incremental export of the changes since this ISO time (15 min to 24 h before --until), applied to the full export --base_export',
  ),
  until: arg.optionalString(
    '--method export: the table as of this ISO time (full export), or the end of the --since window [default: now]',
  ),
  max_changes: arg.positiveInt(
    '--since: changed items of the window held in memory at once (each its key and new image); more fails the run before anything is written: export a shorter window, or the full table',
    1_000_000,
  ),
  base_export: arg.optionalLocation(
    "--method export with --since: a previous full export's manifest-summary.json (s3://…/AWSDynamoDB/<id>/manifest-summary.json) the changes are applied to; --since must be at or before its exportTime (checked)",
  ),
  segments: arg.positiveInt(
    'Scan segments read in parallel; 0 = from the table size (one per 256 MiB, 1 to 16). Memory: one page (1 MB) per segment',
    0,
    {
      min: 0,
      why: '0 means from the table size',
    },
  ),
  consistent_read: arg.flag('Strongly consistent Scan (twice the read capacity)'),
  partition_by: arg.data(
    arg.optionalString(
      'Hive partitions: attribute[:year|month|day], comma-separated, outermost first (invoicedate:month -> invoicedate_year=2011/invoicedate_month=12/, zero-padded); names as attributes or as their cleaned column names',
    ),
    'InvoiceDate:month',
  ),
  schema: arg.optionalLocation(
    'Schema CSV (column_name,data_type[,nullable]) of the attributes to export: wins over inference, items that do not fit are rejected with their key and reason; one scan, no spool',
  ),
  target_file_mb: arg.positiveInt(
    'Parquet parts are rolled at this size (MiB). Memory: one 8 MiB row group per open partition (at most 16 open)',
    128,
  ),
  spool_dir: arg.optionalFolder(
    'Where items wait between the scan and the write when the schema is inferred [default: the OS temp folder]. Disk: about the table size as DynamoDB JSON',
  ),
  catalog_database: arg.data(
    arg.optionalString(
      'Catalog database (Glue when AWS is configured, else JSON files under --local_dir): created if missing; the table is created or updated and its partitions added',
    ),
    'retail',
  ),
  catalog_table: arg.optionalString("Catalog table [default: the DynamoDB table's name, cleaned: online_retail_sample for the sample]"),
  allow_type_change: arg.flag('Let a run change the type of a catalog column (refused otherwise: older files keep the old type)'),
};

/** `npx nx run dynamodb-to-parquet:populate`: the seed's dynamo_populate.py, a CSV into a table. */
export const populateArgs = {
  table: arg.data(arg.string('DynamoDB table to load'), SAMPLE_TABLE),
  source: arg.data(
    arg.location('CSV to load: s3://bucket/key or a path (types inferred over every row: numbers as N, dates as ISO strings)'),
    bundledSample,
  ),
  key: arg.data(
    arg.list(
      'Key columns, as the header writes them or cleaned (invoiceno); several are joined with # into the string key attribute pk (the columns stay attributes)',
    ),
    SAMPLE_KEY,
  ),
  create_table: arg.enum(
    ['auto', 'yes', 'no'] as const,
    'auto',
    `Create a missing table (key pk, on demand): auto = only the sample table (${SAMPLE_TABLE})`,
  ),
  max_concurrency: arg.positiveInt('BatchWriteItem requests in flight at once (25 items each). Memory: about (N + 1) * 25 items', 4),
};
