import type { S3Client } from '@aws-sdk/client-s3';
import type { Server } from 'node:http';
import { createDataApiServer, listen } from './data-api-server.js';
import { pgliteBackend } from './pglite-backend.js';
import { postgresBackend } from './postgres-backend.js';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';
import type { SqlBackend } from './sql-backend.js';
import { StatementRunner } from './statements.js';

export type WarehouseEngine = 'pglite' | 'postgres';

export interface RedshiftDataStandIn {
  endpoint: string;
  backend: SqlBackend;
  runner: StatementRunner;
  stop(): Promise<void>;
}

/** Opens the engine behind the front: PGlite in-process (default) or a throwaway PostgreSQL 15 cluster. */
export async function openSqlBackend(engine: WarehouseEngine = 'pglite', dataDir?: string): Promise<SqlBackend> {
  if (engine === 'pglite') return pgliteBackend(dataDir);
  const cluster: PostgresCluster = await startPostgresCluster(dataDir ? { dataDir } : {});
  const backend = await postgresBackend(cluster.connectionString);
  return {
    ...backend,
    async close() {
      await backend.close();
      await cluster.stop();
    },
  };
}

/**
 * The Redshift Data API front on loopback, over an engine (`openSqlBackend`). COPY reads staged files
 * through `s3`. Stopping it closes the engine too.
 */
export async function startRedshiftData(options: { backend: SqlBackend; s3: S3Client; port?: number }): Promise<RedshiftDataStandIn> {
  const { backend } = options;
  const runner = new StatementRunner(backend, options.s3);
  const server: Server = createDataApiServer(runner);
  const port = await listen(server, options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    backend,
    runner,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await runner.drain().catch(() => undefined);
      await backend.close();
    },
  };
}

export { StatementRunner } from './statements.js';
export type { SqlBackend, SqlResult } from './sql-backend.js';
export { translateStatement, parseCopy, UnsupportedSqlError, type CopyCommand } from './redshift-sql.js';
export { startPostgresCluster, POSTGRES_MISSING, type PostgresCluster } from './postgres-cluster.js';
export { localRedshiftArgs, LOCAL_WORKGROUP, LOCAL_COPY_ROLE } from './target-args.js';
