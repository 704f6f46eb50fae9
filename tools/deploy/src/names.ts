import { arnIn, type DeployTarget } from './arns.js';

/**
 * Physical names, so that stacks refer to each other's jobs by ARN without CloudFormation exports (a job
 * definition gets a new revision with every image, and an export in use cannot change).
 */
export const jobQueueName = 'etl-pipelines';
export const failureTopicName = 'etl-pipeline-failures';
export const jobDefinitionName = (pipeline: string) => `etl-${pipeline}`;
export const stackName = (pipeline: string) => `etl-${pipeline}`;
export const sharedStackName = 'etl-batch';
export const logGroupName = (pipeline: string) => `/etl/batch/${pipeline}`;

export const jobQueueArn = (t: DeployTarget) => arnIn(t, 'batch', `job-queue/${jobQueueName}`);
/** Without a revision SubmitJob runs the latest active one. */
export const jobDefinitionArn = (t: DeployTarget, pipeline: string) => arnIn(t, 'batch', `job-definition/${jobDefinitionName(pipeline)}`);
export const failureTopicArn = (t: DeployTarget) => arnIn(t, 'sns', failureTopicName);
