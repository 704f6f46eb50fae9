import { Readable, type Duplex, type Writable } from 'node:stream';
import type { RunContext } from './context.js';
import type { ByteSource, Sink, Source, Stage } from './contracts.js';
import { meter } from './meter.js';
import { settledPipeline } from './settled-pipeline.js';
import { sinkWritable, type SinkWritableOptions } from './sink-writable.js';
import { stageTransform, type StageTransformOptions } from './stage-transform.js';

/** A step between source and sink: a pure `Stage`, or a ready stream (decoder, parser, encoder). */
export type Step = Stage<never, unknown> | Duplex;
type AnySink = Sink<never> | Writable;

export interface PipelineSpec {
  source: Source<unknown> | ByteSource;
  steps: readonly Step[];
  sink: AnySink;
  /** Batching bounds for `Sink` destinations (ignored for plain writables). */
  sinkOptions?: SinkWritableOptions<never>;
  stageOptions?: StageTransformOptions;
}

/**
 * Runs source -> steps -> sink with `stream/promises.pipeline`: backpressure end to end, every stream
 * destroyed on the first error or when `ctx.signal` aborts, and sinks aborted rather than committed.
 * It settles only after every stream has closed, so a sink's cleanup is done when it rejects.
 */
export async function runPipeline(spec: PipelineSpec, ctx: RunContext): Promise<void> {
  const readByReader = 'readByReader' in spec.source && spec.source.readByReader === true;
  const sourceMetrics = ctx.counters.component(spec.source.name, readByReader ? 'stage' : 'source');
  const opened = spec.source.open(ctx);
  const source = opened instanceof Readable ? opened : Readable.from(opened, { objectMode: true, highWaterMark: 1 });
  const steps = spec.steps.map((step) => (isStage(step) ? stageTransform(step, ctx, spec.stageOptions) : step));
  const sink = isSink(spec.sink) ? sinkWritable(spec.sink, ctx, spec.sinkOptions) : spec.sink;
  ctx.logger.debug({ source: spec.source.name, steps: steps.length }, 'pipeline starting');
  await settledPipeline([source, meter(sourceMetrics, { bytes: 'bytesIn', rows: 'rowsOut' }, 1), ...steps, sink], { signal: ctx.signal });
}

function isStage(step: Step): step is Stage<never, unknown> {
  return typeof (step as Partial<Stage<never, unknown>>).process === 'function';
}

function isSink(sink: AnySink): sink is Sink<never> {
  return typeof (sink as Partial<Sink<never>>).writeBatch === 'function';
}

/**
 * Typed composition: `from(source).through(cast).through(dedup).into(sink)` checks at compile time
 * that each stage accepts what the previous one produces.
 */
export function from(source: ByteSource): Chain<Uint8Array>;
export function from<T>(source: Source<T>): Chain<T>;
export function from<T>(source: Source<T> | ByteSource): Chain<T> {
  return new Chain<T>(source, []);
}

export class Chain<T> {
  constructor(
    private readonly source: Source<unknown> | ByteSource,
    private readonly steps: readonly Step[],
  ) {}

  through<O>(stage: Stage<T, O>): Chain<O> {
    return new Chain<O>(this.source, [...this.steps, stage as Stage<never, O>]);
  }

  /** A raw stream step (decoder, parser); name what it emits: `.throughStream<Row>(parser)`. */
  throughStream<O>(stream: Duplex): Chain<O> {
    return new Chain<O>(this.source, [...this.steps, stream]);
  }

  into(sink: Sink<T> | Writable, options: Omit<PipelineSpec, 'source' | 'steps' | 'sink'> = {}): PipelineSpec {
    return { ...options, source: this.source, steps: this.steps, sink: sink as AnySink };
  }
}
