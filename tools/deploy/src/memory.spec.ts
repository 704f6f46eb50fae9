import { describe, expect, it } from 'vitest';
import { boundedMemory, envName } from './memory.js';

describe('boundedMemory', () => {
  it('sets the heap to three quarters of the container and each memory argument to its share', () => {
    const { heapMiB, environment } = boundedMemory({
      vcpu: 1,
      memoryMiB: 4096,
      timeoutMinutes: 10,
      runOutput: 's3://runs/',
      memoryArgs: { memory_mb: 0.5 },
    });
    expect(heapMiB).toBe(3072);
    expect(environment).toEqual({ NODE_OPTIONS: '--max-old-space-size=3072', ETL_MEMORY_MB: '2048' });
  });

  it('without memory arguments only the heap is bounded', () => {
    expect(boundedMemory({ vcpu: 0.25, memoryMiB: 512, timeoutMinutes: 1, runOutput: 's3://runs/' }).environment).toEqual({
      NODE_OPTIONS: '--max-old-space-size=384',
    });
  });

  it('adds the young generation limit a pipeline declares', () => {
    expect(
      boundedMemory({ vcpu: 1, memoryMiB: 2048, timeoutMinutes: 1, runOutput: 's3://runs/', semiSpaceMiB: 4 }).environment['NODE_OPTIONS'],
    ).toBe('--max-old-space-size=1536 --max-semi-space-size=4');
  });

  it("names the runtime's environment stand-in of an argument", () => {
    expect(envName('memory_mb')).toBe('ETL_MEMORY_MB');
    expect(envName('run-output')).toBe('ETL_RUN_OUTPUT');
  });
});
