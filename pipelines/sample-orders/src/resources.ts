/**
 * What this pipeline needs on AWS: tools/deploy turns it into its Batch job and its task role (only what is
 * named here). Checked against `PipelineResources` (tools/deploy/src/declaration.ts).
 */
export const resources = {
  vcpu: 0.25,
  memoryMiB: 512,
  timeoutMinutes: 30,
  runOutput: 's3://etl-lake/runs/sample-orders/',
  s3: [
    { uri: 's3://etl-landing/orders/', access: 'read' },
    { uri: 's3://etl-lake/orders/', access: 'readWrite' },
  ],
} as const;
