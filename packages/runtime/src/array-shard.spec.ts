import { describe, expect, it } from 'vitest';
import { shardFromEnv } from './array-shard.js';

describe('shardFromEnv', () => {
  it('is the whole run without the array variables', () => {
    const result = shardFromEnv({});
    expect(result).toMatchObject({ ok: true, sharded: false, shard: { index: 0, size: 1 } });
  });

  it('reads the index and size of an array job child', () => {
    const result = shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '1', AWS_BATCH_JOB_ARRAY_SIZE: '2' });
    expect(result).toMatchObject({ ok: true, sharded: true, shard: { index: 1, size: 2 } });
  });

  it('names the variable of each problem', () => {
    expect(shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '2', AWS_BATCH_JOB_ARRAY_SIZE: '2' })).toEqual({
      ok: false,
      problems: ['AWS_BATCH_JOB_ARRAY_INDEX: 2 is not below AWS_BATCH_JOB_ARRAY_SIZE 2'],
    });
    expect(shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '0' })).toEqual({
      ok: false,
      problems: [
        "AWS_BATCH_JOB_ARRAY_SIZE: not set, but AWS_BATCH_JOB_ARRAY_INDEX is (0): AWS Batch sets both on an array job's children; set both, or neither",
      ],
    });
    expect(shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '1.5', AWS_BATCH_JOB_ARRAY_SIZE: 'two' })).toEqual({
      ok: false,
      problems: [
        'AWS_BATCH_JOB_ARRAY_SIZE: must be a positive integer, got "two"',
        'AWS_BATCH_JOB_ARRAY_INDEX: must be a non-negative integer, got "1.5"',
      ],
    });
    expect(shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '-1', AWS_BATCH_JOB_ARRAY_SIZE: '0' })).toMatchObject({ ok: false });
    expect(shardFromEnv({ AWS_BATCH_JOB_ARRAY_SIZE: '3' })).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^AWS_BATCH_JOB_ARRAY_INDEX: not set/)],
    });
  });
});
