/**
 * What this pipeline needs on AWS: tools/deploy turns it into its Batch job (size, memory settings) and its task
 * role (only what is named here). Checked against `PipelineResources` (tools/deploy/src/declaration.ts).
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
  runOutput: 's3://etl-lake/runs/catalog-join-to-parquet/',
  s3: [
    { uri: 's3://etl-lake/crm/', access: 'read' },
    { uri: 's3://etl-lake/joined/accounts/', access: 'readWrite' },
    { uri: 's3://etl-lake/state/catalog-join-to-parquet/', access: 'readWrite' },
  ],
  glue: [{ database: 'crm', access: 'read' }],
} as const;
