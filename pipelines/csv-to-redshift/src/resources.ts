/**
 * What this pipeline needs on AWS: tools/deploy turns it into its Batch job, its task role (only what is named
 * here) and its S3 trigger. Checked against `PipelineResources` (tools/deploy/src/declaration.ts).
 */
export const resources = {
  vcpu: 1,
  memoryMiB: 2048,
  timeoutMinutes: 60,
  attempts: 2,
  runOutput: 's3://etl-lake/runs/csv-to-redshift/',
  s3: [
    // in/, and the archive/ and unprocessed/ beside it that loaded and failed files are moved to.
    { uri: 's3://etl-landing/customers/', access: 'readWrite' },
    { uri: 's3://etl-lake/staging/csv-to-redshift/', access: 'readWrite' },
  ],
  redshift: { clusterId: 'etl-warehouse', database: 'analytics', secretName: 'etl/redshift/loader' },
  // Each CSV landing under customers/in/ is loaded by its own run.
  trigger: {
    bucket: 'etl-landing',
    prefix: 'customers/in/',
    sourceArg: 'source',
    args: {
      target_table: 'public.customers',
      upsert_keys: 'customer_id',
      cluster_id: 'etl-warehouse',
      database: 'analytics',
      // The Data API's SecretArn takes the secret's name too (its full ARN ends in random characters).
      secret_arn: 'etl/redshift/loader',
      iam_role: 'arn:{partition}:iam::{account}:role/etl-redshift-copy',
      staging_prefix: 's3://etl-lake/staging/csv-to-redshift/',
    },
  },
} as const;
