import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * An S3 client configured the standard AWS way, from `env` (the process environment by default):
 * `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` (MinIO, moto, the local stack), `AWS_REGION`, and
 * `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`; whatever `env` does not set
 * is left to the SDK's default chain (shared config, SSO, instance and container roles).
 * An explicitly configured endpoint gets path-style addressing, because such servers rarely resolve
 * `bucket.host` names; real AWS (no endpoint set) keeps virtual-hosted style.
 */
export function createS3Client(env: NodeJS.ProcessEnv = process.env, overrides: S3ClientConfig = {}): S3Client {
  const endpoint = env['AWS_ENDPOINT_URL_S3'] ?? env['AWS_ENDPOINT_URL'];
  const region = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  const sessionToken = env['AWS_SESSION_TOKEN'];
  return new S3Client({
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
    ...overrides,
  });
}
