import { runMain } from '@etl/runtime';
import { catalogCdcToParquetJob } from './job.js';

runMain(catalogCdcToParquetJob);
