import type { PipelineSpec, RunContext } from '@etl/core';
import { from } from '@etl/core';
import { ndjsonParser, ndjsonWriter, validateLocated, type Located } from '@etl/json';
import { objectSource, objectWriter, type ObjectStore } from '@etl/object-store';
import type { z } from 'zod';
import type { sampleOrdersArgs } from './config.js';
import { orderSchema } from './order.js';

export type SampleOrdersConfig = z.infer<z.ZodObject<typeof sampleOrdersArgs>>;

/** source -> NDJSON parse -> validate against the order schema -> NDJSON -> output object. */
export function buildPipeline(config: SampleOrdersConfig, ctx: RunContext, deps: { objects: ObjectStore }): PipelineSpec {
  return from(objectSource(deps.objects, config.source, { name: 'orders-file' }))
    .throughStream<Located<unknown>>(ndjsonParser(ctx, { file: config.source }))
    .through(validateLocated('validate-order', orderSchema, config.source))
    .throughStream<Uint8Array>(ndjsonWriter(ctx, { name: 'orders-output' }))
    .into(objectWriter(deps.objects, config.output, { partSize: config.part_size_mb * 1024 * 1024, contentType: 'application/x-ndjson' }));
}
