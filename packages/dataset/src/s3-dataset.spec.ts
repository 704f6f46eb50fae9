import { CreateBucketCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { startLocalAws, type LocalAws } from '@etl/local-aws';
import { createObjectStore, createS3Client, parseObjectUri, type ObjectStore } from '@etl/object-store';
import { datasetContract } from './dataset.contract.js';

let stack: LocalAws;
let client: S3Client;
let store: ObjectStore;
const bucket = 'lake';
let n = 0;

beforeAll(async () => {
  stack = await startLocalAws({ services: ['s3'] });
  // Reach the stand-in exactly as production reaches AWS: through the standard environment variables.
  Object.assign(process.env, stack.env);
  client = createS3Client();
  store = createObjectStore({ s3Client: client });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  client?.destroy();
  await stack?.stop();
});

/** Multipart uploads still pending under the prefix (an aborted part must leave none). */
async function pendingUploads(prefixUri: string): Promise<string[]> {
  const location = parseObjectUri(prefixUri);
  if (location.scheme !== 's3') return [];
  const response = await client.send(new ListMultipartUploadsCommand({ Bucket: location.bucket, Prefix: location.key }));
  return (response.Uploads ?? []).map((u) => `${u.Key} (${u.UploadId})`);
}

datasetContract('S3 (moto_server)', () => ({ store, root: () => `s3://${bucket}/t${++n}`, leftovers: pendingUploads }));
