import { startMoto } from './moto.js';

/** moto accepts any credentials; these are the ones the stack prints and tests use. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local-secret', region: 'us-east-1' } as const;

export interface LocalAwsOptions {
  /** Fixed port for moto (S3, Glue); a free one by default. */
  motoPort?: number;
}

export interface LocalAws {
  /** `AWS_ENDPOINT_URL_<SERVICE>` values, keyed by service suffix (`S3`, `GLUE`). */
  readonly endpoints: Readonly<Record<string, string>>;
  /** Every environment variable an AWS SDK client needs to reach the stack. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** Starts the local stand-ins for AWS on loopback. */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const moto = await startMoto(options.motoPort === undefined ? {} : { port: options.motoPort });
  const endpoints = { S3: moto.endpoint, GLUE: moto.endpoint };
  return {
    endpoints,
    env: {
      ...Object.fromEntries(Object.entries(endpoints).map(([service, url]) => [`AWS_ENDPOINT_URL_${service}`, url])),
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_REGION: LOCAL_CREDENTIALS.region,
    },
    stop: () => moto.stop(),
  };
}
