import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const require = createRequire(import.meta.url);

export interface EmbeddedDynamoDb {
  endpoint: string;
  stop(): Promise<void>;
  /** The same as `stop`, for callers that close connections. */
  close(): Promise<void>;
}

/**
 * The embedded DynamoDB: dynalite (DynamoDB's API on LevelDB) in this process, on loopback. The
 * DynamoDB adapter reaches it by endpoint like any other. With `dataDir` (the runtime uses
 * `.local/dynamodb`) tables persist across runs; without it they live in memory.
 */
export async function startEmbeddedDynamoDb(options: { dataDir?: string; port?: number } = {}): Promise<EmbeddedDynamoDb> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.dataDir ? { path: options.dataDir } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const stop = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop, close: stop };
}
