/** The job, killed at an exact point of a run (`KILL_AT`, `KILL_OP`, `KILL_AFTER`: see runJobKilledAt). For the kill specs only (bundled by them). */
import { runJobKilledAt } from '@etl/runtime/testing';
import { catalogJoinJob } from './job.js';

await runJobKilledAt(catalogJoinJob);
