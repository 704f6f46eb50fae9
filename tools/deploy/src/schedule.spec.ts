import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import type { PipelineResources } from './declaration.js';

// A schedule without a chain submits the job itself (no state machine): one small app for this file.
const target = { partition: 'aws', region: 'ap-northeast-1', account: '123456789012' };
const nightly: PipelineResources = {
  vcpu: 0.5,
  memoryMiB: 1024,
  timeoutMinutes: 15,
  runOutput: 's3://lake/runs/nightly/',
  schedule: { cron: '30 2 * * ? *', timeZone: 'Asia/Tokyo', args: { source: 's3://lake/in/', dry_run: true } },
};
let outdir: string;
let assembly: CloudAssembly;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'deploy-schedule-'));
  assembly = buildApp({ target, imageTag: 'abc', pipelines: { nightly }, outdir }).synth();
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('a schedule without a chain', () => {
  it('submits the job to the queue with its Glue-style command, in its time zone, allowed only that job', () => {
    const template = assembly.getStackByName('etl-nightly').template as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const resources = Object.values(template.Resources);
    const schedule = resources.find((r) => r.Type === 'AWS::Scheduler::Schedule');
    if (!schedule) throw new Error('no schedule');
    expect(schedule.Properties).toMatchObject({ ScheduleExpression: 'cron(30 2 * * ? *)', ScheduleExpressionTimezone: 'Asia/Tokyo' });
    const scheduleTarget = schedule.Properties.Target as { Arn: unknown; Input: string };
    expect(JSON.stringify(scheduleTarget.Arn)).toContain(':scheduler:::aws-sdk:batch:submitJob');
    expect(JSON.parse(scheduleTarget.Input)).toEqual({
      JobName: 'nightly',
      JobQueue: 'arn:aws:batch:ap-northeast-1:123456789012:job-queue/etl-pipelines',
      JobDefinition: 'arn:aws:batch:ap-northeast-1:123456789012:job-definition/etl-nightly',
      ContainerOverrides: { Command: ['--JOB_NAME', 'nightly', '--source', 's3://lake/in/', '--dry_run'] },
    });
    expect(resources.filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')).toEqual([]);
    const schedulerPolicy = resources.find(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.PolicyDocument).includes('batch:SubmitJob'),
    );
    if (!schedulerPolicy) throw new Error('no policy grants batch:SubmitJob');
    expect((schedulerPolicy.Properties.PolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      {
        Action: 'batch:SubmitJob',
        Effect: 'Allow',
        Resource: [
          'arn:aws:batch:ap-northeast-1:123456789012:job-queue/etl-pipelines',
          'arn:aws:batch:ap-northeast-1:123456789012:job-definition/etl-nightly',
          'arn:aws:batch:ap-northeast-1:123456789012:job-definition/etl-nightly:*',
        ],
      },
    ]);
  });

  it('passes cdk-nag', () => {
    expect(assembly.stacks.flatMap((s) => s.messages.filter((m) => m.level === 'error').map((m) => String(m.entry.data)))).toEqual([]);
  });

  it('a declaration that cannot deploy stops the synth, naming every problem', () => {
    expect(() => buildApp({ target, imageTag: 'abc', pipelines: { nightly: { ...nightly, memoryMiB: 700, timeoutMinutes: 0 } } })).toThrow(
      /memoryMiB 700 does not run on 0\.5 vCPU[\s\S]*timeoutMinutes must be at least 1/,
    );
  });
});
