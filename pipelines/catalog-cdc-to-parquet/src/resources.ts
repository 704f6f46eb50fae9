/**
 * What this pipeline needs on AWS: tools/deploy turns it into its Batch job (size, memory settings) and its task
 * role (only what is named here). Checked against `PipelineResources` (tools/deploy/src/declaration.ts).
 * Started by dynamodb-to-parquet's daily chain (its resources.ts), after the export it reads.
 */
export const resources = {
  vcpu: 1,
  memoryMiB: 4096,
  // Spill files are about the tables' size.
  tmpGiB: 100,
  timeoutMinutes: 180,
  attempts: 2,
  // config.ts: "give about half of what the process may use".
  memoryArgs: { memory_mb: 0.5 },
  runOutput: 's3://etl-lake/runs/catalog-cdc-to-parquet/',
  s3: [
    { uri: 's3://etl-lake/retail/', access: 'read' },
    { uri: 's3://etl-lake/config/primary_keys/', access: 'read' },
    { uri: 's3://etl-lake/cdc/', access: 'readWrite' },
    { uri: 's3://etl-lake/state/cdc/', access: 'readWrite' },
  ],
  glue: [{ database: 'retail', access: 'read' }],
} as const;
