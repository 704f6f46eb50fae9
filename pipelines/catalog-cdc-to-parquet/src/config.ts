import { fileURLToPath } from 'node:url';
import { arg } from '@etl/runtime';

/** The bundled sample, found beside the code both in the repo (src/) and in the image (dist/). */
export const bundledSample = fileURLToPath(new URL('../sample/orders.csv', import.meta.url));

/** Arguments that name data (`arg.data`) are required, unless the run is the sample (no arguments, or --sample). */
export const catalogCdcToParquetArgs = {
  source: arg.data(
    arg.string('File to read, CSV, NDJSON or Parquet by its extension (.gz for gzip): s3://bucket/key or a path'),
    bundledSample,
  ),
  output: arg.data(
    arg.string('Where the rows go, Parquet, CSV or NDJSON by its extension: s3://bucket/key or a path'),
    '.local/out/catalog-cdc-to-parquet/catalog-cdc-to-parquet.parquet',
  ),
};
