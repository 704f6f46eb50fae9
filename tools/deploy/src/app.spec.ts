import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { parseS3Uri } from './arns.js';
import type { JobArgs, PipelineResources } from './declaration.js';
import { pipelines } from './pipelines.js';

// One synth of every stack (cdk-nag included) for the whole file: the specs read its templates.
const target = { partition: 'aws', region: 'eu-west-1', account: '123456789012' };
const imageTag = '0123456789abcdef0123456789abcdef01234567';
const workspace = fileURLToPath(new URL('../../../', import.meta.url));

type Resource = { Type: string; Properties: Record<string, unknown> };
type Template = { Resources: Record<string, Resource> };
let outdir: string;
let assembly: CloudAssembly;
const templates = new Map<string, Template>();

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'deploy-synth-'));
  assembly = buildApp({ target, imageTag, pipelines, outdir }).synth();
  for (const stack of assembly.stacks) templates.set(stack.stackName, stack.template as Template);
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const ofType = (template: Template, type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const stackOf = (pipeline: string) => {
  const template = templates.get(`etl-${pipeline}`);
  if (!template) throw new Error(`no stack etl-${pipeline}`);
  return template;
};
/** The command the declaration's arguments make, spelled out here rather than through glueArgs. */
const expectedCommand = (pipeline: string, args: JobArgs) => [
  '--JOB_NAME',
  pipeline,
  ...Object.entries(args).flatMap(([name, value]) =>
    value === true
      ? [`--${name}`]
      : [`--${name}`, value.replace('{partition}', 'aws').replace('{region}', 'eu-west-1').replace('{account}', '123456789012')],
  ),
];
const definitionOf = (machine: Resource) => {
  const body = machine.Properties.DefinitionString;
  const text =
    typeof body === 'string'
      ? body
      : (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : '?')).join('');
  return JSON.parse(text) as {
    StartAt: string;
    States: Record<string, { Parameters?: Record<string, unknown>; Next?: string; Retry?: unknown[]; Catch?: { Next: string }[] }>;
  };
};

/** The value, or a failed test naming what was missing. */
function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`${what} is missing`);
  return value;
}

/** Every ARN the declaration names, built here from its fields: what a task role may name. */
function declaredArns(resources: PipelineResources): Set<string> {
  const arn = (service: string, resource: string) => `arn:aws:${service}:eu-west-1:123456789012:${resource}`;
  const names = new Set<string>();
  for (const uri of [resources.runOutput, ...(resources.s3 ?? []).map((g) => g.uri)]) {
    const { bucket, prefix } = parseS3Uri(uri);
    names.add(`arn:aws:s3:::${bucket}`).add(`arn:aws:s3:::${bucket}/${prefix}*`);
  }
  for (const grant of resources.dynamodb ?? []) {
    const table = arn('dynamodb', `table/${grant.table ?? `${grant.tablePrefix}*`}`);
    names.add(table).add(`${table}/export/*`);
  }
  for (const { database } of resources.glue ?? []) {
    names
      .add(arn('glue', 'catalog'))
      .add(arn('glue', `database/${database}`))
      .add(arn('glue', `table/${database}/*`));
  }
  const redshift = resources.redshift;
  if (redshift?.clusterId) names.add(arn('redshift', `cluster:${redshift.clusterId}`));
  if (redshift?.workgroup) names.add(arn('redshift-serverless', `workgroup/${redshift.workgroup.id}`));
  if (redshift?.secretName) names.add(arn('secretsmanager', `secret:${redshift.secretName}-??????`));
  return names;
}
/** The only actions a task role may grant on `*`: their IAM reference pages list no resource type. */
const noResourceType = new Set([
  'dynamodb:ListTables',
  'dynamodb:ListExports',
  'redshift-data:DescribeStatement',
  'redshift-data:GetStatementResult',
  'redshift-data:CancelStatement',
  'redshift-data:ListStatements',
]);

describe('deploy:synth', () => {
  it("writes CDK's default layout: a template per stack and the manifest", () => {
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(true);
    for (const stack of assembly.stacks) expect(existsSync(join(outdir, stack.templateFile)), stack.templateFile).toBe(true);
    expect([...templates.keys()].sort()).toEqual(['etl-batch', ...Object.keys(pipelines).map((p) => `etl-${p}`)].sort());
  });

  it('every pipeline folder has its resources.ts in the deployment', () => {
    const folders = readdirSync(join(workspace, 'pipelines')).filter((name) =>
      existsSync(join(workspace, 'pipelines', name, 'package.json')),
    );
    expect(Object.keys(pipelines).sort()).toEqual(folders.sort());
  });

  it('cdk-nag AwsSolutions ran on every stack and left no finding unsuppressed; each suppression has a reason', () => {
    const unsuppressed = assembly.stacks.flatMap((s) =>
      s.messages.filter((m) => m.level === 'error').map((m) => `${m.id}: ${String(m.entry.data)}`),
    );
    expect(unsuppressed).toEqual([]);
    const reports = readdirSync(outdir).filter((f) => f.startsWith('AwsSolutions-') && f.endsWith('NagReport.csv'));
    expect(reports).toHaveLength(assembly.stacks.length);
    for (const report of reports) {
      const rows = readFileSync(join(outdir, report), 'utf8').trim().split('\n').slice(1);
      expect(
        rows.filter((row) => row.includes('"Non-Compliant"')),
        report,
      ).toEqual([]);
      for (const row of rows.filter((r) => r.includes('"Suppressed"'))) expect(row.split('","')[3]?.length, row).toBeGreaterThan(20);
    }
  });

  it('no policy in any stack grants a * action', () => {
    for (const template of templates.values()) {
      for (const [id, policy] of ofType(template, 'AWS::IAM::Policy')) {
        const statements = (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement;
        for (const action of statements.flatMap((s) => [s.Action].flat())) expect(action, id).not.toMatch(/\*/);
      }
    }
  });

  describe.each(Object.entries(pipelines))('%s', (pipeline, resources) => {
    it('its task role names only the resources its declaration lists, and every one of them', () => {
      const template = stackOf(pipeline);
      const roles = ofType(template, 'AWS::IAM::Role').filter(([id]) => id.startsWith('TaskRole'));
      expect(roles).toHaveLength(1);
      const [roleId, role] = must(roles[0], 'the task role');
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.Policies).toBeUndefined();
      const policies = ofType(template, 'AWS::IAM::Policy').filter(
        ([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]),
      );
      expect(policies).toHaveLength(1);
      const declared = declaredArns(resources);
      const named = new Set<string>();
      for (const statement of (
        must(policies[0], 'the task policy')[1].Properties.PolicyDocument as {
          Statement: { Action: string | string[]; Resource: unknown }[];
        }
      ).Statement) {
        const actions = [statement.Action].flat();
        for (const resource of [statement.Resource].flat()) {
          expect(typeof resource, JSON.stringify(resource)).toBe('string');
          if (resource === '*') {
            for (const action of actions) expect(noResourceType.has(action), `${action} on *`).toBe(true);
          } else {
            expect(declared.has(resource as string), `${resource} is not in pipelines/${pipeline}/src/resources.ts`).toBe(true);
            named.add(resource as string);
          }
        }
      }
      const exportArns = [...declared].filter((arn) => arn.endsWith('/export/*'));
      const exported = (resources.dynamodb ?? []).some((g) => g.access === 'export');
      expect([...declared].filter((arn) => !named.has(arn))).toEqual(exported ? [] : exportArns);
    });

    it('its job runs the image by git SHA as a non-root user, read-only root filesystem, /tmp writable, sized and bounded as declared', () => {
      const template = stackOf(pipeline);
      const [[, job]] = ofType(template, 'AWS::Batch::JobDefinition') as [[string, Resource]];
      expect(job.Properties).toMatchObject({
        JobDefinitionName: `etl-${pipeline}`,
        PlatformCapabilities: ['FARGATE'],
        RetryStrategy: { Attempts: resources.attempts ?? 1 },
        Timeout: { AttemptDurationSeconds: resources.timeoutMinutes * 60 },
      });
      const container = job.Properties.ContainerProperties as Record<string, unknown>;
      expect(JSON.stringify(container.Image)).toContain(`:${imageTag}`);
      expect(container).toMatchObject({
        Command: ['--JOB_NAME', pipeline],
        ReadonlyRootFilesystem: true,
        User: '10001',
        MountPoints: [{ ContainerPath: '/tmp', SourceVolume: 'tmp' }],
        NetworkConfiguration: { AssignPublicIp: 'DISABLED' },
      });
      // A name only: Batch refuses `host` on Fargate ("Volume", AWS Batch API reference).
      expect(container.Volumes).toEqual([{ Name: 'tmp' }]);
      expect(container.ResourceRequirements).toEqual(
        expect.arrayContaining([
          { Type: 'VCPU', Value: String(resources.vcpu) },
          { Type: 'MEMORY', Value: String(resources.memoryMiB) },
        ]),
      );
      const environment = Object.fromEntries((container.Environment as { Name: string; Value: string }[]).map((e) => [e.Name, e.Value]));
      const semiSpace = resources.semiSpaceMiB === undefined ? '' : ` --max-semi-space-size=${resources.semiSpaceMiB}`;
      expect(environment.NODE_OPTIONS).toBe(`--max-old-space-size=${Math.floor(resources.memoryMiB * 0.75)}${semiSpace}`);
      expect(environment.ETL_RUN_OUTPUT).toBe(resources.runOutput);
      for (const [arg, share] of Object.entries(resources.memoryArgs ?? {})) {
        expect(environment[`ETL_${arg.toUpperCase()}`]).toBe(String(Math.floor(resources.memoryMiB * share)));
      }
      const [[, logGroup]] = ofType(template, 'AWS::Logs::LogGroup').filter(([id]) => id.startsWith('Logs')) as [[string, Resource]];
      expect(logGroup.Properties).toMatchObject({ LogGroupName: `/etl/batch/${pipeline}`, RetentionInDays: 90 });
      const [[, repository]] = ofType(template, 'AWS::ECR::Repository') as [[string, Resource]];
      expect(repository.Properties).toMatchObject({ RepositoryName: `etl/${pipeline}`, ImageTagMutability: 'IMMUTABLE' });
    });

    it('has a schedule only where declared and an S3 rule only where declared', () => {
      const template = stackOf(pipeline);
      expect(ofType(template, 'AWS::Scheduler::Schedule')).toHaveLength(resources.schedule ? 1 : 0);
      expect(ofType(template, 'AWS::Events::Rule')).toHaveLength(resources.trigger ? 1 : 0);
    });
  });

  it('dynamodb-to-parquet: daily at 08:00 UTC, the export then catalog-cdc-to-parquet, retried, failures to the topic', () => {
    const template = stackOf('dynamodb-to-parquet');
    const schedule = must(pipelines['dynamodb-to-parquet']?.schedule, "dynamodb-to-parquet's schedule");
    const [[, rule]] = ofType(template, 'AWS::Scheduler::Schedule') as [[string, Resource]];
    expect(rule.Properties).toMatchObject({ ScheduleExpression: 'cron(0 8 * * ? *)', ScheduleExpressionTimezone: 'UTC' });
    const [[machineId, machine]] = ofType(template, 'AWS::StepFunctions::StateMachine') as [[string, Resource]];
    expect((rule.Properties.Target as { Arn: unknown }).Arn).toEqual({ Ref: machineId });

    const definition = definitionOf(machine);
    const first = must(definition.States[definition.StartAt], 'the first step');
    expect(first.Parameters).toEqual({
      JobName: 'dynamodb-to-parquet',
      JobQueue: 'arn:aws:batch:eu-west-1:123456789012:job-queue/etl-pipelines',
      JobDefinition: 'arn:aws:batch:eu-west-1:123456789012:job-definition/etl-dynamodb-to-parquet',
      ContainerOverrides: { Command: expectedCommand('dynamodb-to-parquet', schedule.args) },
    });
    const second = must(definition.States[first.Next ?? ''], 'the second step');
    expect(second.Parameters).toMatchObject({
      JobDefinition: 'arn:aws:batch:eu-west-1:123456789012:job-definition/etl-catalog-cdc-to-parquet',
      ContainerOverrides: { Command: expectedCommand('catalog-cdc-to-parquet', must(schedule.then?.[0], 'the chained run').args) },
    });
    expect(second.Next).toBeUndefined();
    for (const [step, pipeline] of [
      [first, 'dynamodb-to-parquet'],
      [second, 'catalog-cdc-to-parquet'],
    ] as const) {
      expect(step.Retry?.length).toBeGreaterThan(0);
      const notify = must(definition.States[must(step.Catch?.[0], 'a catch').Next], 'the notify step');
      // The notification names the job that failed, not the chain's first.
      expect(notify.Parameters).toMatchObject({
        TopicArn: 'arn:aws:sns:eu-west-1:123456789012:etl-pipeline-failures',
        Subject: `${pipeline} failed`,
      });
    }
    // .sync follows the job (DescribeJobs) and stops it when the execution is stopped (TerminateJob).
    const statements = ofType(template, 'AWS::IAM::Policy').flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement,
    );
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['batch:SubmitJob', 'batch:DescribeJobs', 'batch:TerminateJob']));
    expect(statements.find((statement) => statement.Action === 'batch:TerminateJob')?.Resource).toBe(
      'arn:aws:batch:eu-west-1:123456789012:job/*',
    );
  });

  it('csv-to-redshift: an object created under the landing prefix starts a run on that object with the declared arguments', () => {
    const template = stackOf('csv-to-redshift');
    const trigger = must(pipelines['csv-to-redshift']?.trigger, "csv-to-redshift's trigger");
    const [[, rule]] = ofType(template, 'AWS::Events::Rule') as [[string, Resource]];
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: ['etl-landing'] }, object: { key: [{ prefix: 'customers/in/' }] } },
    });
    const [[machineId, machine]] = ofType(template, 'AWS::StepFunctions::StateMachine') as [[string, Resource]];
    const [firstTarget] = rule.Properties.Targets as {
      Arn: unknown;
      InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string };
    }[];
    const ruleTarget = must(firstTarget, "the rule's target");
    expect(ruleTarget.Arn).toEqual({ Ref: machineId });
    const paths = ruleTarget.InputTransformer.InputPathsMap;
    const template_ = ruleTarget.InputTransformer.InputTemplate;
    const [bucketField] = must(
      Object.entries(paths).find(([, path]) => path === '$.detail.bucket.name'),
      'the bucket field',
    );
    const [keyField] = must(
      Object.entries(paths).find(([, path]) => path === '$.detail.object.key'),
      'the key field',
    );
    expect(JSON.parse(template_.replace(`<${bucketField}>`, 'etl-landing').replace(`<${keyField}>`, 'customers/in/a.csv'))).toEqual({
      source: 's3://etl-landing/customers/in/a.csv',
    });

    const definition = definitionOf(machine);
    const step = must(definition.States[definition.StartAt], 'the step');
    expect(step.Parameters?.JobDefinition).toBe('arn:aws:batch:eu-west-1:123456789012:job-definition/etl-csv-to-redshift');
    const command = must((step.Parameters?.ContainerOverrides as Record<string, string>)['Command.$'], 'Command.$');
    expect(command).toMatch(/^States\.Array\(.*, \$\.source\)$/);
    const literals = [...command.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'));
    expect(literals).toEqual([...expectedCommand('csv-to-redshift', trigger.args), '--source']);
  });
});
