import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { awsClientConfig } from '@etl/aws-env';
import { s3Sdk } from './s3-sdk.js';

/**
 * An S3 client configured from `env` the standard AWS way (see `awsClientConfig`). An explicitly
 * configured endpoint gets path-style addressing, because such servers (MinIO, moto, the local stack)
 * rarely resolve `bucket.host` names; real AWS (no endpoint set) keeps virtual-hosted style.
 */
export function createS3Client(env: NodeJS.ProcessEnv = process.env, overrides: S3ClientConfig = {}): S3Client {
  const config = awsClientConfig(env, 'S3');
  const { S3Client } = s3Sdk();
  return new S3Client({ ...config, ...(config.endpoint ? { forcePathStyle: true } : {}), ...overrides });
}
