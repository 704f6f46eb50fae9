export type { AwsService, AwsClientConfig } from './aws-env.js';
export { awsClientConfig, serviceEndpoint, awsConfiguredFor, DEFAULT_MAX_ATTEMPTS } from './aws-env.js';
