import { runPipeline } from '@etl/core';
import { defineJob } from '@etl/runtime';
import { buildPipeline } from './build-pipeline.js';
import { sampleOrdersArgs } from './config.js';

export const sampleOrdersJob = defineJob({
  name: 'sample-orders',
  description: 'Reads NDJSON orders, keeps the valid ones, quarantines the rest with their line numbers',
  args: sampleOrdersArgs,
  async run(config, ctx, deps) {
    await runPipeline(buildPipeline(config, ctx, deps), ctx);
    ctx.logger.info({ output: config.output }, `valid orders written to ${config.output}`);
    return { outputs: { data: config.output } };
  },
});
