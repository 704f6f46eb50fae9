import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { arg } from '@etl/runtime';

/** The bundled sample, found beside the code both in the repo (src/) and in the image (dist/). */
export const bundledSample = fileURLToPath(new URL('../sample/orders.ndjson', import.meta.url));

export const sampleOrdersArgs = {
  source: arg.string('NDJSON orders to read: s3://bucket/key or a path').default(bundledSample),
  output: arg.string('Where the valid orders go (NDJSON): s3://bucket/key or a path').default('.local/out/sample-orders/orders.ndjson'),
  part_size_mb: z.coerce
    .number()
    .int('must be a whole number')
    .min(5, 'must be at least 5 (S3 minimum part size)')
    .default(8)
    .describe('S3 multipart part size in MiB (max object size is 10,000 parts); memory per upload is about 4x this'),
};
