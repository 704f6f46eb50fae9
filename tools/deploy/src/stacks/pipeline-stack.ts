import { Duration, RemovalPolicy, Size, Stack, type StackProps } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import type { DeployTarget } from '../arns.js';
import type { PipelineResources } from '../declaration.js';
import { boundedMemory, envName } from '../memory.js';
import { jobDefinitionName, logGroupName } from '../names.js';
import { taskPolicy } from '../policy.js';
import { addSchedule, addTrigger } from './orchestration.js';

export interface PipelineStackProps extends StackProps {
  readonly pipeline: string;
  readonly resources: PipelineResources;
  readonly target: DeployTarget;
  /** The image tag to run: the git SHA `nx run <pipeline>:image` tagged and pushed. */
  readonly imageTag: string;
  /** Every pipeline's declaration, for the chains a schedule starts. */
  readonly pipelines: Readonly<Record<string, PipelineResources>>;
}

/** Image user: the Dockerfile's system user (tools/nx-plugin/Dockerfile), never root. */
const imageUser = '10001';
/** Run logs are kept this long; each run's report and rejects stay under its --run_output. */
const logRetention = logs.RetentionDays.THREE_MONTHS;

/** One pipeline on Batch: its image repository, log group, task role from its declaration, job definition, schedule and trigger. */
export class PipelineStack extends Stack {
  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { pipeline, resources, target } = props;

    const repository = new ecr.Repository(this, 'Images', {
      repositoryName: `etl/${pipeline}`,
      // Tags are git SHAs: a tag always names the same image, so a rollback runs what ran before.
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: true,
      lifecycleRules: [{ description: 'keep the last 30 images (rollback targets)', maxImageCount: 30 }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: logGroupName(pipeline), retention: logRetention });

    const jobRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `${pipeline}: only what pipelines/${pipeline}/src/resources.ts declares`,
    });
    const statements = taskPolicy(resources, target);
    const policy = new iam.Policy(this, 'TaskPolicy', {
      statements: statements.map(
        (s) =>
          new iam.PolicyStatement({
            sid: s.sid,
            actions: [...s.actions],
            resources: [...s.resources],
            ...(s.conditions ? { conditions: s.conditions } : {}),
          }),
      ),
    });
    jobRole.attachInlinePolicy(policy);
    // One suppression per wildcard resource, with the reasons of the statements that name it.
    const wildcardResources = [...new Set(statements.flatMap((s) => s.resources.filter((r) => r.includes('*'))))];
    if (wildcardResources.length > 0) {
      NagSuppressions.addResourceSuppressions(
        policy,
        wildcardResources.map((resource) => ({
          id: 'AwsSolutions-IAM5',
          reason: statements
            .filter((s) => s.resources.includes(resource))
            .map((s) => {
              if (!s.wildcard) throw new Error(`${pipeline}: statement ${s.sid} names ${resource} without saying why`);
              return `${s.sid}: ${s.wildcard}`;
            })
            .join('; '),
          appliesTo: [`Resource::${resource}`],
        })),
      );
    }

    const memory = boundedMemory(resources);
    const container = new batch.EcsFargateContainerDefinition(this, 'Container', {
      image: ecs.ContainerImage.fromEcrRepository(repository, props.imageTag),
      cpu: resources.vcpu,
      memory: Size.mebibytes(resources.memoryMiB),
      // A bare submit has only --JOB_NAME, so it refuses (exit 2, every missing data argument listed) rather
      // than run the bundled sample; schedules, triggers and people pass the whole Glue-style command.
      command: ['--JOB_NAME', pipeline],
      environment: {
        ...memory.environment,
        [envName('run_output')]: resources.runOutput,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      jobRole,
      logging: ecs.LogDriver.awsLogs({ logGroup, streamPrefix: pipeline }),
      readonlyRootFilesystem: true,
      user: imageUser,
      // The only writable path: spill files, spools and .local/ defaults go to /tmp (the image's home).
      volumes: [batch.EcsVolume.host({ name: 'tmp', containerPath: '/tmp' })],
      ...(resources.tmpGiB ? { ephemeralStorageSize: Size.gibibytes(resources.tmpGiB) } : {}),
      assignPublicIp: false,
      fargatePlatformVersion: ecs.FargatePlatformVersion.LATEST,
    });
    const job = new batch.EcsJobDefinition(this, 'Job', {
      jobDefinitionName: jobDefinitionName(pipeline),
      container,
      retryAttempts: resources.attempts ?? 1,
      timeout: Duration.minutes(resources.timeoutMinutes),
      propagateTags: true,
    });
    // /tmp as a bind mount of the task's ephemeral storage: a volume with a name only. CDK writes `Host: {}`,
    // which Batch says "isn't applicable to jobs that are running on Fargate resources and shouldn't be
    // provided" (AWS Batch API reference, "Volume").
    (job.node.defaultChild as batch.CfnJobDefinition).addPropertyDeletionOverride('ContainerProperties.Volumes.0.Host');
    // The execution role pulls the image and writes logs: CDK grants exactly that, but ECR's login token has no resource type.
    NagSuppressions.addResourceSuppressions(
      container.executionRole,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'ecr:GetAuthorizationToken has no resource type (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html)',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );

    if (resources.schedule) addSchedule(this, pipeline, resources.schedule, target, props.pipelines);
    if (resources.trigger) addTrigger(this, pipeline, resources.trigger, target);
  }
}
