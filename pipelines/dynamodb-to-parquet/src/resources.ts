/**
 * What this pipeline needs on AWS: tools/deploy turns it into its Batch job (size, memory settings), its task
 * role (only what is named here) and its schedule. Checked against `PipelineResources` (tools/deploy/src/declaration.ts).
 */
export const resources = {
  vcpu: 1,
  memoryMiB: 2048,
  // Items stream through short-lived objects: with V8's default young generation the heap grew to 3.5-4x what
  // was live, and peak RSS with the table (README "Measurements", 2026-12-07); 4 MiB kept it flat, no slower.
  semiSpaceMiB: 4,
  // The inferred-schema spool is about the table's size as DynamoDB JSON.
  tmpGiB: 50,
  timeoutMinutes: 120,
  attempts: 2,
  runOutput: 's3://etl-lake/runs/dynamodb-to-parquet/',
  s3: [{ uri: 's3://etl-lake/retail/online_retail/', access: 'readWrite' }],
  dynamodb: [{ table: 'online-retail', access: 'read' }],
  glue: [{ database: 'retail', access: 'readWrite' }],
  // Seed 004: daily at 08:00 UTC, then the job that reads the export (its Glue trigger never started it).
  schedule: {
    cron: '0 8 * * ? *',
    timeZone: 'UTC',
    args: {
      table: 'online-retail',
      output_path: 's3://etl-lake/retail/online_retail/',
      method: 'scan',
      segments: '4',
      partition_by: 'InvoiceDate:month',
      catalog_database: 'retail',
    },
    then: [
      {
        pipeline: 'catalog-cdc-to-parquet',
        args: {
          athena_database_name: 'retail',
          tables: 'online_retail',
          output_path: 's3://etl-lake/cdc/',
          cdc_path: 's3://etl-lake/state/cdc/',
          primary_key_s3_prefix: 's3://etl-lake/config/primary_keys/',
          load_type: 'incremental',
        },
      },
    ],
  },
} as const;
