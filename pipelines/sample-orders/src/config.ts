import { fileURLToPath } from 'node:url';
import { arg } from '@etl/runtime';

/** The bundled sample, found beside the code both in the repo (src/) and in the image (dist/). */
export const bundledSample = fileURLToPath(new URL('../sample/orders.ndjson', import.meta.url));

export const sampleOrdersArgs = {
  source: arg.data(arg.location('NDJSON orders to read: s3://bucket/key or a path'), bundledSample),
  output: arg.data(arg.location('Where the valid orders go (NDJSON): s3://bucket/key or a path'), '.local/out/sample-orders/orders.ndjson'),
  part_size_mb: arg.positiveInt('S3 multipart part size in MiB (max object size is 10,000 parts); memory per upload is about 4x this', 8, {
    min: 5,
    why: 'S3 minimum part size',
  }),
};
