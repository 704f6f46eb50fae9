import { resolve } from 'node:path';
import { createLogger, newRunId, TerminalError } from '@etl/core';
import { joinUri, readText, type ObjectStore } from '@etl/object-store';
import { createConnections, defineJob, type Connections, type JobConfig } from '@etl/runtime';
import type { ViewConfigEntry } from '@etl/table-sync';
import { checkUpsertSource, probeLoad, upsertFiles, type LoadProbe } from '@etl/warehouse-upsert';
import { bundledSample, csvToRedshiftArgs } from './config.js';

type Config = JobConfig<typeof csvToRedshiftArgs> & { local_dir?: string };

/** `--staging_prefix`, or beside the other embedded state: `<local_dir>/staging/csv-to-redshift/`. */
function stagingPrefixOf(config: Config): string {
  return config.staging_prefix ?? `${joinUri(config.local_dir ?? '.local', 'staging', 'csv-to-redshift')}/`;
}

/** The warehouse the arguments name: Redshift by workgroup or cluster, else the embedded one. */
function warehouseOf(config: Config, connections: Connections) {
  return connections.warehouse({
    ...(config.workgroup ? { workgroupName: config.workgroup } : {}),
    ...(config.cluster_id ? { clusterIdentifier: config.cluster_id } : {}),
    ...(config.database ? { database: config.database } : {}),
    ...(config.secret_arn ? { secretArn: config.secret_arn } : {}),
    ...(config.db_user ? { dbUser: config.db_user } : {}),
    ...(config.iam_role ? { iamRole: config.iam_role } : {}),
  });
}

/** `--check_only`: the load's probes, each failure one line naming what to do (exit 2 through `check`). */
async function checkOnlyProblems(config: Config, objects: ObjectStore, env: NodeJS.ProcessEnv): Promise<string[]> {
  const logger = createLogger({ runId: 'check', jobName: 'csv-to-redshift', level: 'error', destination: { write: () => undefined } });
  const localDir = config.local_dir;
  const connections = createConnections({ env, logger, objects, ...(localDir ? { localDir } : {}) });
  try {
    const probes = await probeLoad(
      { table: config.target_table, stagingPrefix: stagingPrefixOf(config), runId: newRunId() },
      { warehouse: await warehouseOf(config, connections), objects },
    );
    return probes.filter((p): p is Required<LoadProbe> => p.problem !== undefined).map((p) => `--check_only: ${p.check}: ${p.problem}`);
  } finally {
    await connections.close();
  }
}

/** The bundled sample however it is named (`pipelines/…/sample/customers.csv` too): it is never moved. */
const isBundledSample = (source: string) => !source.includes('://') && resolve(source) === bundledSample;

/** Seed 003: CSV files -> the warehouse upsert (harmonize, stage, COPY, merge, views, audit, archive). */
export const csvToRedshiftJob = defineJob({
  name: 'csv-to-redshift',
  description:
    'Upserts CSV files into a Redshift table through the Data API, evolving the table to fit, with an audit row per file (seed 003)',
  args: csvToRedshiftArgs,
  async check(config, { objects, env }) {
    const redshift = config.workgroup ?? config.cluster_id;
    const problems = [
      ...(redshift && !config.iam_role
        ? ['--iam_role: required with a Redshift workgroup or cluster: the role Redshift assumes to COPY the staged files']
        : []),
      ...(redshift && !config.staging_prefix
        ? ['--staging_prefix: required with a Redshift workgroup or cluster: the s3:// prefix the staged files are COPYed from']
        : redshift && !stagingPrefixOf(config).startsWith('s3://')
          ? [`--staging_prefix: Redshift COPYs from S3 only: give an s3:// prefix (got ${config.staging_prefix})`]
          : []),
      ...(redshift && !(env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? env['AWS_PROFILE'])
        ? ['AWS region: set AWS_REGION (or AWS_PROFILE) for the Redshift Data API']
        : []),
      ...(await checkUpsertSource(objects, config.source, config.upsert_keys, { encoding: config.encoding })),
    ];
    return problems.length === 0 && config.check_only ? checkOnlyProblems(config, objects, env) : problems;
  },
  async run(config, ctx, { objects, connections, shard }) {
    const redshift = config.workgroup ?? config.cluster_id;
    const warehouse = await warehouseOf(config, connections);
    if (config.check_only) {
      // `check` ran the probes and refused the run (exit 2) had one failed: say what passed, load nothing.
      const probes = await probeLoad(
        { table: config.target_table, stagingPrefix: stagingPrefixOf(config), runId: ctx.runId },
        { warehouse, objects },
        ctx.signal,
      );
      for (const p of probes)
        ctx.logger.info({ check: p.check, ...(p.problem ? { problem: p.problem } : {}) }, `check: ${p.check}: ${p.problem ?? 'ok'}`);
      const failed = probes.filter((p) => p.problem !== undefined);
      if (failed.length > 0) throw new TerminalError('CONFIG', failed.map((p) => `${p.check}: ${p.problem}`).join('; '));
      ctx.logger.info({ checks: probes.length }, `check only: all ${probes.length} checks passed; nothing was loaded`);
      return { figures: { checks: probes.map((p) => p.check) } };
    }
    const views = config.view_config ? (JSON.parse(await readText(objects, config.view_config)) as unknown) : [];
    if (!Array.isArray(views))
      throw new TerminalError(
        'CONFIG',
        `${config.view_config}: a view config is a JSON array of {source_table, view_name, schema_name, definition}`,
      );
    const files = await upsertFiles(
      config.source,
      {
        table: config.target_table,
        keys: config.upsert_keys,
        stagingPrefix: stagingPrefixOf(config),
        stagingPartBytes: config.staging_part_mb * 1024 * 1024,
        ...(config.staging_threads ? { threads: config.staging_threads } : {}),
        staleStagingHours: config.stale_staging_hours,
        ...(config.encoding ? { encoding: config.encoding } : {}),
        inferFrom: config.infer_from,
        views: views as ViewConfigEntry[],
        archive: config.archive === 'yes' || (config.archive === 'auto' && !isBundledSample(config.source)),
        ...(config.archive_prefix ? { archivePrefix: config.archive_prefix } : {}),
        ...(config.unprocessed_prefix ? { unprocessedPrefix: config.unprocessed_prefix } : {}),
        dryRun: config.dry_run,
        shard, // an array job's child loads the files its shard owns by name
      },
      ctx,
      { objects, warehouse },
    );
    if (files.length === 0) return {};
    const where = redshift ? `Redshift (${redshift})` : 'the embedded warehouse (PGlite under <local_dir>/warehouse)';
    const schema = config.target_table.includes('.') ? `${config.target_table.split('.')[0]}.` : '';
    if (!config.dry_run)
      ctx.logger.info(
        { table: config.target_table },
        `loaded into ${config.target_table} in ${where}; one audit row per file in ${schema}job_sts`,
      );
    return { outputs: { table: config.target_table }, figures: { files: files.map(({ plan: _plan, ...outcome }) => outcome) } };
  },
});
