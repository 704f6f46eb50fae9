export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type { RecordBatch, Source, ByteSource, Stage, Sink, BatchWriteResult, Many } from './contracts.js';
export { many, isMany, manyRecords } from './contracts.js';
export type { RunContext, RunContextInit } from './context.js';
export { createRunContext, newRunId, runStartedAt } from './context.js';
export type { ComponentMetrics, ComponentRole, RunTotals } from './counters.js';
export { Counters } from './counters.js';
export type { ErrorCode, RecordErrorCode, RecordErrorInit, RecordLocation, EtlErrorOptions } from './errors.js';
export {
  EtlError,
  TerminalError,
  TransientError,
  PartialBatchError,
  RecordError,
  isTransient,
  isAbortError,
  abortCause,
  describeError,
  rejectWeight,
} from './errors.js';
export { fanOut } from './fan-out.js';
export { makeFolders, makeFoldersSync } from './folders.js';
export type { Logger, LogLevel, LoggerOptions } from './logging/create-logger.js';
export { createLogger } from './logging/create-logger.js';
export { LogSpool } from './logging/log-spool.js';
export { redact, redactText, isSensitiveKey, REDACTED } from './logging/redact.js';
export { meter } from './meter.js';
export type { RejectOutput, RejectTally } from './rejects.js';
export { ndjsonRejects, countingRejects, limitedRejects, rejectsUpTo, rejectsSince, tallyOf } from './rejects.js';
export type { ProgressOptions } from './progress.js';
export { startProgress, formatProgress, formatBytes, formatDuration } from './progress.js';
export type { RunReport, RunOutcome } from './report.js';
export { buildRunReport, outcomeOf, peakRssBytes } from './report.js';
export type { RetryPolicy, RetryOptions } from './retry.js';
export { retry, backoffDelayMs, defaultRetryPolicy } from './retry.js';
export type { PipelineSpec, Step } from './run-pipeline.js';
export { runPipeline, from, Chain } from './run-pipeline.js';
export { randomUnicodeText, seededRandom } from './seeded-random.js';
export { settledPipeline } from './settled-pipeline.js';
export type { SinkWritable, SinkWritableOptions } from './sink-writable.js';
export { sinkWritable, sinkDefaults, estimateSize } from './sink-writable.js';
export type { StageTransformOptions } from './stage-transform.js';
export { stageTransform } from './stage-transform.js';
export { writeRejects } from './write-rejects.js';
export { checkRejectRatio, rejectRatioGuard, SWALLOWED_LINES } from './reject-ratio.js';
export type { Shard } from './shard.js';
export { createShard, shardOf, fnv1a, wholeRun } from './shard.js';
