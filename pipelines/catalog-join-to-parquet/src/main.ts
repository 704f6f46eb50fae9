import { runMain } from '@etl/runtime';
import { catalogJoinJob } from './job.js';

runMain(catalogJoinJob);
