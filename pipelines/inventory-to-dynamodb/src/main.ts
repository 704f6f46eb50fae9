import { runMain } from '@etl/runtime';
import { inventoryJob } from './job.js';

runMain(inventoryJob);
