/**
 * What this pipeline needs on AWS: tools/deploy turns it into its Batch job and its task role (only what is
 * named here). Checked against `PipelineResources` (tools/deploy/src/declaration.ts).
 */
export const resources = {
  vcpu: 0.5,
  memoryMiB: 1024,
  timeoutMinutes: 60,
  attempts: 2,
  runOutput: 's3://etl-lake/runs/inventory-to-dynamodb/',
  s3: [
    { uri: 's3://etl-landing/inventory/', access: 'read' },
    { uri: 's3://etl-lake/inventory/', access: 'readWrite' },
  ],
  // --table_prefix: the latest table whose name starts with it.
  dynamodb: [{ tablePrefix: 'inventory_', access: 'readWrite' }],
} as const;
