/** The suffix of a service's endpoint variable: `AWS_ENDPOINT_URL_<suffix>`. */
export type AwsService = 'S3' | 'DYNAMODB' | 'REDSHIFT_DATA' | 'GLUE';

/** What every SDK v3 client needs, read from one environment (not necessarily `process.env`). */
export interface AwsClientConfig {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Attempts per request, the first included (the SDK's standard retry mode: exponential backoff with jitter). */
  maxAttempts: number;
}

/**
 * Attempts per request unless `AWS_MAX_ATTEMPTS` says otherwise. The SDK's default is 3, which a batch
 * job meeting a burst of 5xx or throttling answers (S3 `SlowDown`/`InternalError`, Glue
 * `InternalServiceException`) fails on, after its data may be written: one request in 125 at a 20%
 * error rate. At 8, one in 390,000; the standard mode's backoff (capped at 20 s) and retry quota still
 * bound what a real outage costs. AWS: "Retry behavior" (AWS SDKs and Tools Reference Guide).
 */
export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * Client settings the standard AWS way: `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL`, `AWS_REGION`
 * / `AWS_DEFAULT_REGION`, static keys, and `AWS_MAX_ATTEMPTS` (default `DEFAULT_MAX_ATTEMPTS`); whatever `env` leaves out falls to the SDK's default chain
 * (shared config files, SSO, container and instance roles). The local stack is reached this way too.
 */
export function awsClientConfig(env: NodeJS.ProcessEnv, service: AwsService): AwsClientConfig {
  const endpoint = serviceEndpoint(env, service);
  const region = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  const sessionToken = env['AWS_SESSION_TOKEN'];
  const attempts = Number(env['AWS_MAX_ATTEMPTS']);
  return {
    maxAttempts: Number.isInteger(attempts) && attempts >= 1 ? attempts : DEFAULT_MAX_ATTEMPTS,
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
  };
}

export function serviceEndpoint(env: NodeJS.ProcessEnv, service: AwsService): string | undefined {
  return env[`AWS_ENDPOINT_URL_${service}`] ?? env['AWS_ENDPOINT_URL'];
}

const AWS_SIGNALS = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
];

/**
 * Whether this environment points at AWS for `service` (real AWS, or a stand-in by endpoint).
 * Pipelines use it to choose their defaults: with no AWS configuration at all they run on the
 * embedded adapters. It is a composition default, never a branch inside an adapter.
 */
export function awsConfiguredFor(env: NodeJS.ProcessEnv, service: AwsService): boolean {
  return serviceEndpoint(env, service) !== undefined || AWS_SIGNALS.some((name) => Boolean(env[name]));
}
