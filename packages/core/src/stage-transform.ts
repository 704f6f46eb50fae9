import { Transform, type TransformCallback } from 'node:stream';
import type { RunContext } from './context.js';
import type { RecordBatch, Stage } from './contracts.js';
import { isMany, manyRecords } from './contracts.js';
import { RecordError } from './errors.js';
import { writeRejects } from './write-rejects.js';

export interface StageTransformOptions {
  /** Batches buffered on each side of the stage. Memory: about 2 * highWaterMark batches. Default 2. */
  highWaterMark?: number;
}

/**
 * Adapts a pure `Stage` to an object-mode `Transform` over `RecordBatch`es: counts rows in and out,
 * routes `RecordError`s to the run's rejects output (awaiting its backpressure) and counts drops.
 */
export function stageTransform<I, O>(stage: Stage<I, O>, ctx: RunContext, options: StageTransformOptions = {}): Transform {
  const metrics = ctx.counters.component(stage.name, 'stage');
  const highWaterMark = options.highWaterMark ?? 2;

  return new Transform({
    objectMode: true,
    readableHighWaterMark: highWaterMark,
    writableHighWaterMark: highWaterMark,
    transform(batch: RecordBatch<I>, _encoding, callback: TransformCallback) {
      metrics.rowsIn += batch.length;
      const out: O[] = [];
      const rejected: RecordError[] = [];
      for (const record of batch) {
        let result: ReturnType<typeof stage.process>;
        try {
          result = stage.process(record);
        } catch (error) {
          if (!(error instanceof RecordError)) return callback(wrapStageError(stage.name, error));
          rejected.push(error);
          continue;
        }
        if (result === undefined) metrics.dropped++;
        else if (isMany<O>(result)) for (const r of manyRecords(result)) out.push(r);
        else out.push(result);
      }
      metrics.rowsOut += out.length;
      const done = () => callback(null, out.length > 0 ? out : undefined);
      if (rejected.length === 0) return done();
      writeRejects(ctx, metrics, stage.name, rejected).then(done, callback);
    },
    flush(callback: TransformCallback) {
      try {
        const rest = stage.flush ? [...stage.flush()] : [];
        metrics.rowsOut += rest.length;
        callback(null, rest.length > 0 ? rest : undefined);
      } catch (error) {
        callback(wrapStageError(stage.name, error));
      }
    },
  });
}

/** dlt's habit: a failure names the stage it happened in. */
function wrapStageError(stageName: string, error: unknown): Error {
  if (error instanceof Error) {
    error.message = `stage "${stageName}": ${error.message}`;
    return error;
  }
  return new Error(`stage "${stageName}": ${String(error)}`);
}
