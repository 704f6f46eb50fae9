import { once } from 'node:events';
import { TerminalError } from '@etl/core';
import { createConnections, type WarehouseTarget } from '@etl/runtime';
import { localFolderProblem } from '@etl/object-store';
import { defineCommand, UsageError } from '../command.js';
import { runContext } from '../run-context.js';
import { formatTable, ndjsonLines } from '../sql-output.js';

/** The warehouse options, named as the csv-to-redshift pipeline names them. */
const OPTIONS = {
  'local-dir': {
    type: 'string',
    value: 'DIR',
    help: "the embedded warehouse's folder is <DIR>/warehouse, as the pipelines' --local_dir (default .local)",
  },
  workgroup: { type: 'string', value: 'NAME', help: 'Redshift Serverless workgroup: the query goes through the Data API' },
  'cluster-id': { type: 'string', value: 'ID', help: 'provisioned Redshift cluster: the query goes through the Data API' },
  database: { type: 'string', value: 'NAME', help: 'Redshift database (default dev)' },
  'secret-arn': { type: 'string', value: 'ARN', help: 'Secrets Manager ARN with the database credentials' },
  'db-user': { type: 'string', value: 'USER', help: 'database user for temporary credentials (provisioned clusters)' },
} as const;

export const sql = defineCommand({
  name: 'sql',
  synopsis: '"<query>"',
  summary: 'a query against the embedded warehouse, or Redshift with --workgroup or --cluster-id',
  description: `Runs one query (or several separated by ;, the last one's rows shown) against the warehouse the
pipelines load: the embedded PGlite under --local-dir, or Redshift through the Data API when
--workgroup or --cluster-id names one (credentials and region from the environment, as any AWS tool).
Rows are a table on a terminal and NDJSON otherwise, one object per row, values as the warehouse
returns them (decimals as exact strings). The whole result is held in memory: add a LIMIT to a
query of many rows. A failing query exits 1 with the warehouse's message.`,
  options: OPTIONS,
  groups: [['options', OPTIONS]],
  async run(values, positionals) {
    const [query, ...extra] = positionals;
    if (query === undefined || query.trim() === '') throw new UsageError('missing "<query>"');
    if (extra.length > 0) throw new UsageError(`takes one query (quote it), got also ${extra.join(' ')}`);
    if (values.workgroup && values['cluster-id']) throw new UsageError('give --workgroup or --cluster-id, not both');
    const redshiftOnly = (['database', 'secret-arn', 'db-user'] as const).filter((name) => values[name] !== undefined);
    if (!values.workgroup && !values['cluster-id'] && redshiftOnly.length > 0)
      throw new UsageError(
        `--${redshiftOnly.join(', --')} ${redshiftOnly.length === 1 ? 'is' : 'are'} for Redshift: give --workgroup or --cluster-id too`,
      );
    const localDir = values['local-dir'] === undefined ? undefined : localFolderProblem(values['local-dir']);
    if (localDir) throw new UsageError(`--local-dir: ${localDir}`);
    const target: WarehouseTarget = {
      ...(values.workgroup ? { workgroupName: values.workgroup } : {}),
      ...(values['cluster-id'] ? { clusterIdentifier: values['cluster-id'] } : {}),
      ...(values.database ? { database: values.database } : {}),
      ...(values['secret-arn'] ? { secretArn: values['secret-arn'] } : {}),
      ...(values['db-user'] ? { dbUser: values['db-user'] } : {}),
    };
    const ctx = runContext('etl-sql');
    const connections = createConnections({ env: process.env, logger: ctx.logger, localDir: values['local-dir'] ?? '.local' });
    try {
      const warehouse = await connections.warehouse(target);
      const result = await warehouse.query(query, {}, { signal: ctx.signal }).catch((error: unknown) => {
        // The warehouse's own message, on one line: the SQL it quotes on the next is the user's own query.
        throw error instanceof TerminalError ? new TerminalError(error.code, firstLine(error.message), { cause: error }) : error;
      });
      const lines = process.stdout.isTTY ? [formatTable(result)] : ndjsonLines(result);
      for (const line of lines) {
        if (!process.stdout.write(line)) await once(process.stdout, 'drain');
      }
      return 0;
    } finally {
      await connections.close();
    }
  },
});

const firstLine = (text: string) => text.split('\n', 1)[0] as string;
