import { TerminalError, TransientError, isAbortError, isTransient } from '@etl/core';

/** Gives S3 failures our error classes and a message that names the object. The SDK already retried. */
export function mapS3Error(error: unknown, uri: string): unknown {
  if (isAbortError(error) || error instanceof TerminalError || error instanceof TransientError) return error;
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? 'Error';
  if (name === 'NoSuchBucket') return new TerminalError('NOT_FOUND', `bucket of ${uri} does not exist`, { cause: error });
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404)
    return new TerminalError('NOT_FOUND', `${uri} does not exist`, { cause: error });
  if (name === 'AccessDenied' || status === 403) return new TerminalError('ACCESS_DENIED', `access denied to ${uri}`, { cause: error });
  if (name === 'InvalidRange' || status === 416) return new TerminalError('BAD_ARGUMENT', `range outside ${uri}`, { cause: error });
  if (isTransient(error)) return new TransientError('UNAVAILABLE', `S3 failed for ${uri}: ${name}: ${e.message ?? ''}`, { cause: error });
  return new TerminalError('IO', `S3 failed for ${uri}: ${name}: ${e.message ?? ''}`, { cause: error });
}
