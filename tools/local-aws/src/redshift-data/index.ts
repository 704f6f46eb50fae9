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

/** The Redshift Data API front on loopback, over PGlite (in-process) or a throwaway PostgreSQL 15 cluster. */
export async function startRedshiftData(options: { engine?: WarehouseEngine; dataDir?: string; port?: number; s3: S3Client }): Promise<RedshiftDataStandIn> {
  let cluster: PostgresCluster | undefined;
  let backend: SqlBackend;
  if ((options.engine ?? 'pglite') === 'postgres') {
    cluster = await startPostgresCluster(options.dataDir ? { dataDir: options.dataDir } : {});
    backend = await postgresBackend(cluster.connectionString);
  } else {
    backend = await pgliteBackend(options.dataDir);
  }
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
      await cluster?.stop();
    },
  };
}

export { StatementRunner } from './statements.js';
export type { SqlBackend, SqlResult } from './sql-backend.js';
export { translateStatement, parseCopy, UnsupportedSqlError, type CopyCommand } from './redshift-sql.js';
export { startPostgresCluster, POSTGRES_MISSING, type PostgresCluster } from './postgres-cluster.js';
