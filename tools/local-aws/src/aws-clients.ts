import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS } from './local-aws.js';

/** An S3 client for a stand-in endpoint (path-style, the stack's credentials). */
export function s3ClientFor(endpoint: string, overrides: S3ClientConfig = {}): S3Client {
  return new S3Client({ endpoint, forcePathStyle: true, region: LOCAL_CREDENTIALS.region, credentials: LOCAL_CREDENTIALS, ...overrides });
}
