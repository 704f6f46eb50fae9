/**
 * Error classes drive control flow: a `TransientError` is retried, a `TerminalError` fails the run,
 * a `RecordError` rejects one record to the quarantine output and the run goes on.
 */

/** Why a run or an operation failed. */
export type ErrorCode =
  | 'BAD_ARGUMENT'
  | 'CONFIG'
  | 'NOT_FOUND'
  | 'ACCESS_DENIED'
  | 'THROTTLED'
  | 'UNAVAILABLE'
  | 'TIMEOUT'
  | 'CONFLICT'
  | 'ABORTED'
  | 'TOO_MANY_REJECTS'
  /** The input is not what it was given as (a Parquet or binary file given as CSV). */
  | 'BAD_INPUT'
  | 'IO'
  | 'INTERNAL';

/** Why one record was rejected. */
export type RecordErrorCode =
  | 'PARSE'
  | 'ENCODING'
  | 'RAGGED_ROW'
  | 'UNTERMINATED_QUOTE'
  | 'TOO_LARGE'
  | 'CAST'
  | 'NULL_NOT_ALLOWED'
  | 'SCHEMA'
  | 'DUPLICATE_KEY'
  | 'REJECTED_BY_TARGET';

export interface EtlErrorOptions {
  cause?: unknown;
  /** Structured details for logs and the run report (never secrets). */
  details?: Record<string, unknown>;
}

export abstract class EtlError extends Error {
  abstract readonly retryable: boolean;
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: EtlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** Will not succeed by trying again: bad configuration, missing object, denied access, bad data shape. */
export class TerminalError extends EtlError {
  override readonly name = 'TerminalError';
  readonly retryable = false;
}

/** May succeed if tried again later: throttling, 5xx, connection resets, timeouts. */
export class TransientError extends EtlError {
  override readonly name = 'TransientError';
  readonly retryable = true;
}

/**
 * Part of a batch was not accepted (DynamoDB `UnprocessedItems`, per-row failures).
 * The batched sink retries only `pending`; what was accepted is not written twice.
 */
export class PartialBatchError<T = unknown> extends TransientError {
  readonly pending: readonly T[];

  constructor(pending: readonly T[], message = `${pending.length} items of the batch were not accepted`, options: EtlErrorOptions = {}) {
    super('THROTTLED', message, options);
    this.pending = pending;
  }
}

/** Where a rejected record came from. Lines and columns are 1-based; `column` names or numbers the field. */
export interface RecordLocation {
  file?: string | undefined;
  line?: number | undefined;
  column?: string | number | undefined;
  /** Byte offset in the source, where the reader knows it (encoding errors). */
  offset?: number | undefined;
}

export interface RecordErrorInit extends RecordLocation {
  code: RecordErrorCode;
  reason: string;
  /** The offending raw value or line, cut to a safe length. */
  raw?: string | undefined;
  /** Name of the stage that rejected the record (filled in by the stage adapter). */
  stage?: string | undefined;
  /**
   * The physical lines a reject spans when it may have swallowed records (a quote never closed, a
   * record over the parser's bound): the reject ratio weighs it as that many (`rejectWeight`).
   */
  lines?: number | undefined;
}

const RAW_LIMIT = 1024;

/** One bad record. Never fails a run: it is written to the rejects output and counted. */
export class RecordError extends Error {
  override readonly name = 'RecordError';
  readonly code: RecordErrorCode;
  readonly reason: string;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: string | number | undefined;
  readonly offset: number | undefined;
  readonly raw: string | undefined;
  readonly lines: number | undefined;
  stage: string | undefined;

  constructor(init: RecordErrorInit) {
    super(describeRecordError(init));
    this.code = init.code;
    this.reason = init.reason;
    this.file = init.file;
    this.line = init.line;
    this.column = init.column;
    this.offset = init.offset;
    this.raw = init.raw === undefined ? undefined : truncate(init.raw, RAW_LIMIT);
    this.lines = init.lines;
    this.stage = init.stage;
  }

  /**
   * A reject made again from another's fields (its line moved, sent across threads): `raw` was cut
   * when it was first made and is kept as it is (cutting it again would say the wrong length).
   */
  static restored(init: RecordErrorInit): RecordError {
    return Object.assign(new RecordError({ ...init, raw: undefined }), { raw: init.raw });
  }

  /** The line written to the rejects output. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      reason: this.reason,
      file: this.file,
      line: this.line,
      column: this.column,
      offset: this.offset,
      stage: this.stage,
      ...(this.lines === undefined ? {} : { lines: this.lines }),
      raw: this.raw,
    };
  }
}

/** What a reject weighs in the reject ratio: the lines it swallowed, or 1 (see `RecordErrorInit.lines`). */
export function rejectWeight(reject: RecordError): number {
  return Math.max(1, reject.lines ?? 1);
}

function describeRecordError(init: RecordErrorInit): string {
  const where = [
    init.file,
    init.line === undefined ? undefined : `line ${init.line}`,
    init.column === undefined ? undefined : `column ${init.column}`,
  ].filter((part) => part !== undefined);
  return where.length > 0 ? `${where.join(', ')}: ${init.reason}` : init.reason;
}

function truncate(value: string, limit: number): string {
  return value.length <= limit ? value : `${value.slice(0, limit)}… (${value.length} chars)`;
}

const TRANSIENT_NODE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const TRANSIENT_AWS_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'SlowDown',
  'InternalError',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/**
 * The one place that decides "is this worth retrying?". Our own classes say so explicitly;
 * errors from SDKs and sockets are judged by their AWS error name, `$retryable`, HTTP status
 * (429 and 5xx) or Node socket code. Anything else is terminal: retrying a bug wastes minutes.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof EtlError) return error.retryable;
  if (error instanceof RecordError) return false;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as {
    name?: unknown;
    code?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    cause?: unknown;
  };
  if (e.name === 'AbortError') return false;
  if (e.$retryable) return true;
  if (typeof e.name === 'string' && TRANSIENT_AWS_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && TRANSIENT_NODE_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status === 429 || status >= 500)) return true;
  return e.cause !== undefined && e.cause !== error ? isTransient(e.cause) : false;
}

/** True for the error a stream or SDK call raises when its `AbortSignal` fired. */
export function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    ((error as { name?: unknown }).name === 'AbortError' ||
      (error as { code?: unknown }).code === 'ABORT_ERR' ||
      (error instanceof EtlError && error.code === 'ABORTED'))
  );
}

/**
 * The error to report for `error` thrown under `signal`: once the signal was aborted with a reason (a
 * signal, too many rejects), that reason, whatever the abort made the work throw — streams say a bare
 * "The operation was aborted", and an S3 read cut by it fails as its socket's `aborted` (ECONNRESET).
 */
export function abortCause(error: unknown, signal: AbortSignal): unknown {
  return signal.aborted && signal.reason instanceof Error ? signal.reason : error;
}

/** The AWS SDK's setup errors say what is missing, not where it comes from: what to set. */
const AWS_SETUP_HINTS: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /^Region is missing$/,
    'no AWS region is configured: set AWS_REGION (or AWS_DEFAULT_REGION, or AWS_PROFILE naming a profile with a region)',
  ],
  [
    /^Could not load credentials from any providers$/,
    'no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with a role',
  ],
];

/** A short, stable description of any thrown value for logs and reports (with what to do, for AWS setup errors). */
export function describeError(error: unknown): { name: string; code?: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const hint = AWS_SETUP_HINTS.find(([pattern]) => pattern.test(error.message))?.[1];
    return {
      name: error.name,
      ...(typeof code === 'string' ? { code } : {}),
      message: hint ? `${error.message} (${hint})` : error.message,
    };
  }
  return { name: 'Error', message: String(error) };
}
