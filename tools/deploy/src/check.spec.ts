import { describe, expect, it } from 'vitest';
import { checkResources } from './check.js';
import type { PipelineResources } from './declaration.js';
import { fargateMemoryChoices } from './fargate.js';

const valid: PipelineResources = {
  vcpu: 1,
  memoryMiB: 2048,
  timeoutMinutes: 30,
  runOutput: 's3://lake/runs/x/',
  s3: [{ uri: 's3://landing/in/', access: 'readWrite' }],
  trigger: { bucket: 'landing', prefix: 'in/new/', sourceArg: 'source', args: {} },
};

describe('checkResources', () => {
  it('accepts a deployable declaration', () => {
    expect(checkResources('x', valid)).toEqual([]);
  });

  it('names the memory sizes Fargate runs with the vCPU', () => {
    expect(checkResources('x', { ...valid, memoryMiB: 1024 })).toEqual([
      'pipelines/x/src/resources.ts: memoryMiB 1024 does not run on 1 vCPU on Fargate: use one of 2048, 3072, 4096, 5120, 6144, 7168, 8192',
    ]);
    expect(fargateMemoryChoices(0.25)).toEqual([512, 1024, 2048]);
    expect(fargateMemoryChoices(3)).toBeUndefined();
  });

  it('reports every problem at once', () => {
    const problems = checkResources('x', {
      ...valid,
      timeoutMinutes: 0,
      attempts: 11,
      semiSpaceMiB: 0.5,
      memoryArgs: { memory_mb: 0.4, cache_mb: 0.2 },
      runOutput: 's3://lake/runs' as `s3://${string}`,
      dynamodb: [{ access: 'read' }],
      redshift: { database: 'dev' },
      schedule: { cron: '0 8 * * *', timeZone: 'UTC', args: {} },
      trigger: { bucket: 'other', prefix: 'in/', sourceArg: 'source', args: { source: 's3://x/' } },
    });
    expect(problems.map((p) => p.replace('pipelines/x/src/resources.ts: ', '').split(' ').slice(0, 2).join(' '))).toEqual([
      'timeoutMinutes must',
      'attempts must',
      'semiSpaceMiB must',
      'memoryArgs shares',
      's3://lake/runs must',
      'a dynamodb',
      'redshift names',
      'schedule.cron "0',
      'trigger s3://other/in/',
      'trigger.args sets',
    ]);
  });
});
