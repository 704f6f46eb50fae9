import { describe, expect, it } from 'vitest';
import { awsClientConfig, awsConfiguredFor } from './aws-env.js';

describe('awsClientConfig', () => {
  it('takes the service endpoint before the general one, with region and keys', () => {
    const env = {
      AWS_ENDPOINT_URL: 'http://general',
      AWS_ENDPOINT_URL_S3: 'http://s3',
      AWS_REGION: 'ap-northeast-1',
      AWS_ACCESS_KEY_ID: 'k',
      AWS_SECRET_ACCESS_KEY: 's',
    };
    expect(awsClientConfig(env, 'S3')).toEqual({
      maxAttempts: 8,
      region: 'ap-northeast-1',
      endpoint: 'http://s3',
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    });
    expect(awsClientConfig(env, 'GLUE').endpoint).toBe('http://general');
  });

  it('leaves what is not set to the SDK default chain', () => {
    expect(awsClientConfig({}, 'DYNAMODB')).toEqual({ maxAttempts: 8 });
  });

  it('tries a request 8 times unless AWS_MAX_ATTEMPTS says otherwise (a bad value is ignored)', () => {
    expect(awsClientConfig({ AWS_MAX_ATTEMPTS: '3' }, 'S3').maxAttempts).toBe(3);
    expect(awsClientConfig({ AWS_MAX_ATTEMPTS: 'many' }, 'S3').maxAttempts).toBe(8);
    expect(awsClientConfig({ AWS_MAX_ATTEMPTS: '0' }, 'S3').maxAttempts).toBe(8);
  });
});

describe('awsConfiguredFor', () => {
  it('is false with no AWS configuration at all, true with an endpoint, region, profile or container role', () => {
    expect(awsConfiguredFor({ PATH: '/usr/bin' }, 'DYNAMODB')).toBe(false);
    expect(awsConfiguredFor({ AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1' }, 'DYNAMODB')).toBe(true);
    expect(awsConfiguredFor({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' }, 'DYNAMODB')).toBe(false);
    expect(awsConfiguredFor({ AWS_PROFILE: 'prod' }, 'GLUE')).toBe(true);
    expect(awsConfiguredFor({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials' }, 'S3')).toBe(true);
  });
});
