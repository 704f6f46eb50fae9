import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { failureTopicName, jobQueueName } from '../names.js';

/** Most vCPUs running at once across every pipeline (Fargate bills per task, not per environment). */
const maxVcpus = 32;

/**
 * What every pipeline shares: a VPC whose tasks have no public address (S3 and DynamoDB through gateway
 * endpoints, the other AWS APIs through one NAT gateway), one Fargate compute environment, one job queue and
 * the topic that failed chains and triggered runs notify.
 */
export class BatchStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'jobs', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
      gatewayEndpoints: {
        s3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        dynamodb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) });

    const computeEnvironment = new batch.FargateComputeEnvironment(this, 'Fargate', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      maxvCpus: maxVcpus,
    });
    new batch.JobQueue(this, 'Queue', { jobQueueName, computeEnvironments: [{ computeEnvironment, order: 1 }] });

    new sns.Topic(this, 'Failures', {
      topicName: failureTopicName,
      enforceSSL: true,
      // The AWS managed key: Step Functions and EventBridge publish without a key policy of ours.
      masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
    });
  }
}
