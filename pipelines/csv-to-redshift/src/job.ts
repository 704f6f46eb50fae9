import { resolve } from 'node:path';
import { TerminalError } from '@etl/core';
import { readText } from '@etl/object-store';
import { defineJob } from '@etl/runtime';
import type { ViewConfigEntry } from '@etl/table-sync';
import { checkUpsertSource, upsertFiles } from '@etl/warehouse-upsert';
import { bundledSample, csvToRedshiftArgs } from './config.js';

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
    return [
      ...(redshift && !config.iam_role
        ? ['--iam_role: required with a Redshift workgroup or cluster: the role Redshift assumes to COPY the staged files']
        : []),
      ...(redshift && !config.staging_prefix.startsWith('s3://')
        ? [`--staging_prefix: Redshift COPYs from S3 only: give an s3:// prefix (got ${config.staging_prefix})`]
        : []),
      ...(redshift && !(env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? env['AWS_PROFILE'])
        ? ['AWS region: set AWS_REGION (or AWS_PROFILE) for the Redshift Data API']
        : []),
      ...(await checkUpsertSource(objects, config.source, config.upsert_keys, { encoding: config.encoding })),
    ];
  },
  async run(config, ctx, { objects, connections }) {
    const redshift = config.workgroup ?? config.cluster_id;
    const warehouse = await connections.warehouse({
      ...(config.workgroup ? { workgroupName: config.workgroup } : {}),
      ...(config.cluster_id ? { clusterIdentifier: config.cluster_id } : {}),
      ...(config.database ? { database: config.database } : {}),
      ...(config.secret_arn ? { secretArn: config.secret_arn } : {}),
      ...(config.db_user ? { dbUser: config.db_user } : {}),
      ...(config.iam_role ? { iamRole: config.iam_role } : {}),
    });
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
        stagingPrefix: config.staging_prefix,
        stagingPartBytes: config.staging_part_mb * 1024 * 1024,
        staleStagingHours: config.stale_staging_hours,
        ...(config.encoding ? { encoding: config.encoding } : {}),
        inferFrom: config.infer_from,
        views: views as ViewConfigEntry[],
        archive: config.archive === 'yes' || (config.archive === 'auto' && !isBundledSample(config.source)),
        ...(config.archive_prefix ? { archivePrefix: config.archive_prefix } : {}),
        ...(config.unprocessed_prefix ? { unprocessedPrefix: config.unprocessed_prefix } : {}),
        dryRun: config.dry_run,
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
