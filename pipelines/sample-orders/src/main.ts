import { runMain } from '@etl/runtime';
import { sampleOrdersJob } from './job.js';

runMain(sampleOrdersJob);
