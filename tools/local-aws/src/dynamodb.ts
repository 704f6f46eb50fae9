import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const require = createRequire(import.meta.url);

export interface DynamoDbStandIn {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * dynalite (a DynamoDB implementation on LevelDB) in this process, on loopback. With `dataDir`,
 * tables persist across restarts; without it they live in memory.
 */
export async function startDynalite(options: { dataDir?: string; port?: number } = {}): Promise<DynamoDbStandIn> {
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.dataDir ? { path: options.dataDir } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
