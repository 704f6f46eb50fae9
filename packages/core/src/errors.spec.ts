import { describe, expect, it } from 'vitest';
import { PartialBatchError, RecordError, TerminalError, TransientError, abortCause, describeError, isTransient } from './errors.js';

describe('isTransient', () => {
  it('follows our own classes', () => {
    expect(isTransient(new TransientError('THROTTLED', 'slow down'))).toBe(true);
    expect(isTransient(new PartialBatchError([1, 2]))).toBe(true);
    expect(isTransient(new TerminalError('CONFIG', 'no bucket'))).toBe(false);
    expect(isTransient(new RecordError({ code: 'CAST', reason: 'not a number' }))).toBe(false);
  });

  it('recognises AWS throttling and 5xx, not 4xx', () => {
    expect(isTransient(Object.assign(new Error('x'), { name: 'SlowDown' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { name: 'ProvisionedThroughputExceededException' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 429 } }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }))).toBe(false);
    expect(isTransient(Object.assign(new Error('x'), { $retryable: { throttling: true } }))).toBe(true);
  });

  it('recognises socket failures, also as a cause', () => {
    expect(isTransient(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(new Error('wrapped', { cause: Object.assign(new Error('t'), { code: 'ETIMEDOUT' }) }))).toBe(true);
  });

  it('never retries aborts or plain bugs', () => {
    expect(isTransient(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe(false);
    expect(isTransient(new TypeError('undefined is not a function'))).toBe(false);
    expect(isTransient('boom')).toBe(false);
  });
});

describe('RecordError', () => {
  it('names file, line and column in its message', () => {
    const error = new RecordError({ code: 'CAST', reason: 'expected a number', file: 'in.csv', line: 7, column: 'price', raw: 'abc' });
    expect(error.message).toBe('in.csv, line 7, column price: expected a number');
    expect(error.toJSON()).toMatchObject({ code: 'CAST', file: 'in.csv', line: 7, column: 'price', raw: 'abc' });
  });

  it('cuts huge raw values so one bad line cannot flood the rejects output', () => {
    const error = new RecordError({ code: 'TOO_LARGE', reason: 'line too long', raw: 'x'.repeat(5000) });
    expect(error.raw?.length).toBeLessThan(1100);
    expect(error.raw).toContain('(5000 chars)');
  });
});

describe('describeError', () => {
  it("says what to set for the AWS SDK's setup errors, and leaves other messages alone", () => {
    expect(describeError(new Error('Region is missing')).message).toBe(
      'Region is missing (no AWS region is configured: set AWS_REGION (or AWS_DEFAULT_REGION, or AWS_PROFILE naming a profile with a region))',
    );
    const credentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(describeError(credentials)).toMatchObject({
      name: 'CredentialsProviderError',
      message: expect.stringContaining('no AWS credentials were found: set AWS_PROFILE'),
    });
    expect(describeError(new TerminalError('CONFIG', 'Region is missing in the config file'))).toMatchObject({
      code: 'CONFIG',
      message: 'Region is missing in the config file',
    });
  });
});

describe('abortCause', () => {
  it("is the signal's reason once it was aborted with one, whatever the abort made the work throw", () => {
    const controller = new AbortController();
    const reset = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    expect(abortCause(reset, controller.signal)).toBe(reset);
    const tooMany = new TerminalError('TOO_MANY_REJECTS', '3 records rejected, more than --max_rejects 2');
    controller.abort(tooMany);
    expect(abortCause(reset, controller.signal)).toBe(tooMany);
    expect(abortCause(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }), controller.signal)).toBe(tooMany);
  });
});
