import { from, rejectRatioGuard, runPipeline, type PipelineSpec, type RunContext } from '@etl/core';
import { ndjsonParser, ndjsonWriter, validateLocated, type Located } from '@etl/json';
import { objectSource, objectWriter, type ObjectStore, type ObjectWriter, type PutResult } from '@etl/object-store';
import { defineJob, objectsExist, type JobConfig } from '@etl/runtime';
import { sampleOrdersArgs } from './config.js';
import { orderSchema } from './order.js';

/** The output: nothing is stored when no order was valid (no empty file). */
function ordersOutput(config: JobConfig<typeof sampleOrdersArgs>, objects: ObjectStore): ObjectWriter<PutResult | undefined> {
  return objectWriter(objects, config.output, {
    partSize: config.part_size_mb * 1024 * 1024,
    contentType: 'application/x-ndjson',
    skipEmpty: true,
  });
}

/** source -> NDJSON parse -> validate against the order schema -> NDJSON -> output object. */
export function buildPipeline(
  config: JobConfig<typeof sampleOrdersArgs>,
  ctx: RunContext,
  objects: ObjectStore,
  output = ordersOutput(config, objects),
): PipelineSpec {
  return from(objectSource(objects, config.source, { name: 'orders-file' }))
    .throughStream<Located<unknown>>(ndjsonParser(ctx, { file: config.source }))
    .through(validateLocated('validate-order', orderSchema, config.source))
    .through(rejectRatioGuard<unknown>(ctx, config.source))
    .throughStream<Uint8Array>(ndjsonWriter(ctx, { name: 'orders-output' }))
    .into(output);
}

export const sampleOrdersJob = defineJob({
  name: 'sample-orders',
  description: 'Reads NDJSON orders, keeps the valid ones, quarantines the rest with their line numbers',
  args: sampleOrdersArgs,
  check: objectsExist('source'),
  async run(config, ctx, { objects }) {
    const output = ordersOutput(config, objects);
    await runPipeline(buildPipeline(config, ctx, objects, output), ctx);
    if (!(await output.result)) {
      ctx.logger.warn({ source: config.source }, `${config.source} holds no valid order: nothing was written to ${config.output}`);
      return {};
    }
    ctx.logger.info({ output: config.output }, `valid orders written to ${config.output}`);
    return { outputs: { data: config.output } };
  },
});
