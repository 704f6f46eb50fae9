import { runMain } from '@etl/runtime';
import { catalogCdcJob } from './job.js';

runMain(catalogCdcJob);
