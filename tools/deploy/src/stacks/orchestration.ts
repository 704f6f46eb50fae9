import { Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import type { DeployTarget } from '../arns.js';
import type { ChainedRun, ObjectCreatedTrigger, PipelineResources, ScheduledRun } from '../declaration.js';
import { glueArgs } from '../glue-args.js';
import { failureTopicArn, jobDefinitionArn, jobDefinitionName, jobQueueArn } from '../names.js';

/** batch:SubmitJob on the queue and the named definitions, any revision (SubmitJob without one runs the latest). */
function submitJobStatement(target: DeployTarget, pipelines: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['batch:SubmitJob'],
    resources: [jobQueueArn(target), ...pipelines.flatMap((p) => [jobDefinitionArn(target, p), `${jobDefinitionArn(target, p)}:*`])],
  });
}

const submitAnyRevision = (pipeline: string) =>
  `any revision of the ${jobDefinitionName(pipeline)} job definition: SubmitJob without a revision runs the latest`;

/**
 * The pipeline's schedule (EventBridge Scheduler): a direct SubmitJob with its Glue-style command, or, when
 * jobs read its output, a Step Functions chain that runs them one after another.
 */
export function addSchedule(
  scope: Construct,
  pipeline: string,
  schedule: ScheduledRun,
  target: DeployTarget,
  pipelines: Readonly<Record<string, PipelineResources>>,
): void {
  const expression = scheduler.ScheduleExpression.expression(`cron(${schedule.cron})`, TimeZone.of(schedule.timeZone));
  if (schedule.then && schedule.then.length > 0) {
    for (const run of schedule.then) {
      if (!pipelines[run.pipeline])
        throw new Error(`pipelines/${pipeline}/src/resources.ts: schedule.then names ${run.pipeline}, not a pipeline`);
    }
    const runs: ChainedRun[] = [{ pipeline, args: schedule.args }, ...schedule.then];
    const chain = jobChain(scope, 'Chain', pipeline, runs, target);
    new scheduler.Schedule(scope, 'Schedule', {
      description: `${pipeline}, then ${schedule.then.map((r) => r.pipeline).join(', then ')}`,
      schedule: expression,
      target: new schedulerTargets.StepFunctionsStartExecution(chain, {}),
    });
    return;
  }
  const role = new iam.Role(scope, 'ScheduleRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': target.account } },
    }),
  });
  new scheduler.Schedule(scope, 'Schedule', {
    description: `${pipeline} on its schedule`,
    schedule: expression,
    target: new schedulerTargets.Universal({
      service: 'batch',
      action: 'submitJob',
      input: scheduler.ScheduleTargetInput.fromObject({
        JobName: pipeline,
        JobQueue: jobQueueArn(target),
        JobDefinition: jobDefinitionArn(target, pipeline),
        ContainerOverrides: { Command: glueArgs(pipeline, schedule.args, target) },
      }),
      policyStatements: [submitJobStatement(target, [pipeline])],
      role,
    }),
  });
  // After the schedule: the target adds its statements to the role's default policy when bound.
  NagSuppressions.addResourceSuppressions(
    role,
    [{ id: 'AwsSolutions-IAM5', reason: submitAnyRevision(pipeline), appliesTo: [`Resource::${jobDefinitionArn(target, pipeline)}:*`] }],
    true,
  );
}

/**
 * S3 object-created events under the trigger's prefix start a run on that object (`--<sourceArg> s3://bucket/key`),
 * through a one-step state machine: retries and the failure notification are the same as a chain's.
 */
export function addTrigger(scope: Construct, pipeline: string, trigger: ObjectCreatedTrigger, target: DeployTarget): void {
  const run = jobChain(scope, 'OnObjectCreated', pipeline, [{ pipeline, args: trigger.args }], target, trigger.sourceArg);
  new events.Rule(scope, 'ObjectCreated', {
    description: `s3://${trigger.bucket}/${trigger.prefix}* created: ${pipeline} on it`,
    eventPattern: {
      source: ['aws.s3'],
      detailType: ['Object Created'],
      detail: { bucket: { name: [trigger.bucket] }, object: { key: [{ prefix: trigger.prefix }] } },
    },
    targets: [
      new eventsTargets.SfnStateMachine(run, {
        input: events.RuleTargetInput.fromObject({
          source: `s3://${events.EventField.fromPath('$.detail.bucket.name')}/${events.EventField.fromPath('$.detail.object.key')}`,
        }),
      }),
    ],
  });
}

/** How a step retries: a refused or throttled SubmitJob soon; a failed run (after Batch's own attempts) once, later. */
const submitRetry: sfn.RetryProps = { errors: ['Batch.AWSBatchException'], interval: Duration.seconds(30), maxAttempts: 3, backoffRate: 2 };
const runRetry: sfn.RetryProps = { errors: ['States.TaskFailed'], interval: Duration.minutes(5), maxAttempts: 1 };

/**
 * A state machine that runs each job to completion (`batch:submitJob.sync`), in order; any failure publishes
 * the step and its cause to the failures topic and fails the execution. With `sourceArg`, the first step's
 * command takes `--<sourceArg>` from the execution input's `source`.
 */
function jobChain(
  scope: Construct,
  id: string,
  pipeline: string,
  runs: readonly ChainedRun[],
  target: DeployTarget,
  sourceArg?: string,
): sfn.StateMachine {
  const failed = new sfn.Fail(scope, `${id}Fail`, { error: 'JobFailed', cause: `a job of ${pipeline}'s chain failed` });
  // One notification per step, so the message names the job that failed (and its place in the chain).
  const notifyFailure = (run: ChainedRun, index: number) =>
    new sfn.CustomState(scope, `${id}Failed${index}-${run.pipeline}`, {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${target.partition}:states:::sns:publish`,
        Parameters: {
          TopicArn: failureTopicArn(target),
          // SNS subjects: at most 100 characters.
          Subject: `${run.pipeline} failed`.slice(0, 100),
          'Message.$': `States.Format('${intrinsicEscape(run.pipeline)} failed (step ${index + 1} of ${runs.length} of {}): {}: {}', $$.StateMachine.Name, $.failure.Error, $.failure.Cause)`,
        },
      },
    }).next(failed);
  const steps = runs.map((run, index) => {
    const command = glueArgs(run.pipeline, run.args, target);
    const parameters: Record<string, unknown> = {
      JobName: run.pipeline,
      JobQueue: jobQueueArn(target),
      JobDefinition: jobDefinitionArn(target, run.pipeline),
      ContainerOverrides:
        index === 0 && sourceArg
          ? { 'Command.$': `States.Array(${[...command, `--${sourceArg}`].map(intrinsicString).join(', ')}, $.source)` }
          : { Command: command },
    };
    return new sfn.CustomState(scope, `${id}${index}-${run.pipeline}`, {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${target.partition}:states:::batch:submitJob.sync`,
        Parameters: parameters,
        ResultPath: null,
      },
    })
      .addRetry(submitRetry)
      .addRetry(runRetry)
      .addCatch(notifyFailure(run, index), { resultPath: '$.failure' });
  });
  const [first, ...rest] = steps;
  if (!first) throw new Error(`${pipeline}: a chain needs a job`);
  const definition = rest.reduce<sfn.IChainable & sfn.INextable>((chain, step) => chain.next(step), first);

  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: logs.RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const machine = new sfn.StateMachine(scope, id, {
    definitionBody: sfn.DefinitionBody.fromChainable(definition),
    logs: { destination: logGroup, level: sfn.LogLevel.ALL },
    tracingEnabled: true,
  });
  machine.addToRolePolicy(
    submitJobStatement(
      target,
      runs.map((r) => r.pipeline),
    ),
  );
  // .sync follows the job through a rule Step Functions manages (the Step Functions developer guide, "Run a job (.sync)").
  machine.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      resources: [
        Stack.of(scope).formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForBatchJobsRule' }),
      ],
    }),
  );
  // .sync also reads the job's state, and stops the job when the execution is stopped (the Step Functions
  // developer guide, "IAM policies for AWS Batch": SubmitJob, DescribeJobs, TerminateJob and the events rule).
  machine.addToRolePolicy(new iam.PolicyStatement({ actions: ['batch:DescribeJobs'], resources: ['*'] }));
  machine.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['batch:TerminateJob'],
      resources: [`arn:${target.partition}:batch:${target.region}:${target.account}:job/*`],
    }),
  );
  machine.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [failureTopicArn(target)] }));
  NagSuppressions.addResourceSuppressions(
    machine,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'CDK grants log delivery and X-Ray on *: CloudWatch Logs vended-log delivery and X-Ray trace actions have no resource type (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html, list_awsx-ray.html)',
        appliesTo: ['Resource::*'],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "batch:TerminateJob on this account's jobs: a job ARN holds its id, known only once submitted (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbatch.html); batch:DescribeJobs has no resource type (same page)",
        appliesTo: [`Resource::arn:${target.partition}:batch:${target.region}:${target.account}:job/*`],
      },
      ...runs.map((run) => ({
        id: 'AwsSolutions-IAM5',
        reason: submitAnyRevision(run.pipeline),
        appliesTo: [`Resource::${jobDefinitionArn(target, run.pipeline)}:*`],
      })),
    ],
    true,
  );
  return machine;
}

/** A string literal inside an intrinsic function: quotes, braces and backslashes escaped. */
function intrinsicString(value: string): string {
  return `'${intrinsicEscape(value)}'`;
}

function intrinsicEscape(value: string): string {
  return value.replace(/[\\'{}]/g, (c) => `\\${c}`);
}
