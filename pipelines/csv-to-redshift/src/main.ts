import { runMain } from '@etl/runtime';
import { csvToRedshiftJob } from './job.js';

runMain(csvToRedshiftJob);
