import { CreateBucketCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, startLocalAws, type LocalAws } from '@etl/local-aws';
import { objectStoreContract } from '../object-store.contract.js';
import { parseObjectUri } from '../uri.js';
import { createS3Client } from './s3-client.js';
import { S3ObjectStore } from './s3-object-store.js';

let stack: LocalAws;
let client: S3Client;
let store: S3ObjectStore;
const bucket = 'contract-bucket';
let n = 0;

beforeAll(async () => {
  stack = await startLocalAws();
  // Reach the stand-in exactly as production reaches AWS: through the standard environment variables.
  Object.assign(process.env, stack.env);
  client = createS3Client();
  store = new S3ObjectStore(client, { multipartCopyThreshold: 6 * 1024 * 1024, copyPartSize: 5 * 1024 * 1024 });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  client?.destroy();
  await stack?.stop();
});

async function pendingUploads(prefixUri: string): Promise<string[]> {
  const location = parseObjectUri(prefixUri);
  if (location.scheme !== 's3') return [];
  const response = await client.send(new ListMultipartUploadsCommand({ Bucket: location.bucket, Prefix: location.key }));
  return (response.Uploads ?? []).map((u) => `${u.Key} (${u.UploadId})`);
}

objectStoreContract('S3 (moto_server)', () => ({
  store,
  root: () => `s3://${bucket}/t${++n}/`,
  leftovers: pendingUploads,
}));

describe('S3ObjectStore', () => {
  it('copies objects above the CopyObject limit part by part', async () => {
    const big = Buffer.alloc(12 * 1024 * 1024, 7);
    await store.put(`s3://${bucket}/copy/big.bin`, big);
    await store.copy(`s3://${bucket}/copy/big.bin`, `s3://${bucket}/copy/big-copy.bin`);
    expect((await store.head(`s3://${bucket}/copy/big-copy.bin`))?.size).toBe(big.length);
    expect(await pendingUploads(`s3://${bucket}/copy/`)).toEqual([]);
  });

  it('names a missing bucket clearly', async () => {
    await expect(store.get('s3://no-such-bucket-here/x.csv')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('s3://no-such-bucket-here/x.csv'),
    });
  });

  it('tells a missing bucket from a missing key on head (a HEAD 404 has no body to tell them by)', async () => {
    expect(await store.head(`s3://${bucket}/no/such-key.csv`)).toBeUndefined();
    await expect(store.head('s3://no-such-bucket-here/x.csv')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'bucket no-such-bucket-here does not exist (s3://no-such-bucket-here/x.csv): check the bucket name',
    });
  });

  it('rides out a burst of S3 errors: half the requests failing, every put and get succeeds (8 attempts a request; 3 lost some)', async () => {
    const proxy = await startFaultProxy('s3', stack.env['AWS_ENDPOINT_URL_S3'] as string, { failRate: 0.5, seed: 11 });
    const flaky = createS3Client({ ...stack.env, AWS_ENDPOINT_URL_S3: proxy.endpoint });
    try {
      const through = new S3ObjectStore(flaky);
      const root = `s3://${bucket}/flaky/`;
      for (let i = 0; i < 20; i++) await through.put(`${root}${i}.txt`, `object ${i}`);
      // One request at a time: the proxy's faults follow the request order, so the run is the same every time.
      const texts: string[] = [];
      for (let i = 0; i < 20; i++) texts.push(await text(await through.get(`${root}${i}.txt`)));
      expect(texts).toEqual(Array.from({ length: 20 }, (_, i) => `object ${i}`));
      expect(proxy.stats.errors + proxy.stats.resets).toBeGreaterThan(5);
    } finally {
      flaky.destroy();
      await proxy.stop();
    }
  }, 120_000);
});
