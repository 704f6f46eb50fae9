import { runMain } from '@etl/runtime';
import { dynamodbToParquetJob } from './job.js';

runMain(dynamodbToParquetJob);
