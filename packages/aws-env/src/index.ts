export type { AwsService, AwsClientConfig } from './aws-env.js';
export { awsClientConfig, serviceEndpoint, awsConfiguredFor } from './aws-env.js';
