import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * An S3 client configured the standard AWS way: credentials, region and endpoint come from the
 * environment or the shared config (`AWS_ENDPOINT_URL_S3` reaches MinIO, moto or the local stack).
 * An explicitly configured endpoint gets path-style addressing, because such servers rarely resolve
 * `bucket.host` names; real AWS (no endpoint set) keeps virtual-hosted style.
 */
export function createS3Client(env: NodeJS.ProcessEnv = process.env, overrides: S3ClientConfig = {}): S3Client {
  const customEndpoint = Boolean(env['AWS_ENDPOINT_URL_S3'] ?? env['AWS_ENDPOINT_URL']);
  const region = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  return new S3Client({
    ...(region ? { region } : {}),
    forcePathStyle: customEndpoint,
    ...overrides,
  });
}
