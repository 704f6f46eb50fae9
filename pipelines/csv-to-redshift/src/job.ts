import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { TerminalError } from '@etl/core';
import { objectsBelow, type ObjectStore } from '@etl/object-store';
import { defineJob } from '@etl/runtime';
import type { ViewConfigEntry } from '@etl/table-sync';
import { bundledSample, csvToRedshiftArgs } from './config.js';
import { loadFile, type FileOutcome } from './load-file.js';
import { sweepStaging } from './sweep-staging.js';

/** Files a run loads: the source itself, or every file under a prefix in key order (not archive/ or unprocessed/). */
async function sourceFiles(objects: ObjectStore, source: string): Promise<string[]> {
  if (!source.endsWith('/')) return [source];
  const files: string[] = [];
  for await (const { uri, key } of objectsBelow(objects, source)) if (!/^(archive|unprocessed)\//.test(key)) files.push(uri);
  return files;
}

async function loadViews(objects: ObjectStore, uri: string | undefined): Promise<ViewConfigEntry[]> {
  if (!uri) return [];
  const body = uri.includes('://') ? await text(await objects.get(uri)) : await readFile(uri, 'utf8');
  const parsed = JSON.parse(body) as unknown;
  if (!Array.isArray(parsed))
    throw new TerminalError('CONFIG', `${uri}: a view config is a JSON array of {source_table, view_name, schema_name, definition}`);
  return parsed as ViewConfigEntry[];
}

export const csvToRedshiftJob = defineJob({
  name: 'csv-to-redshift',
  description:
    'Upserts CSV files into a Redshift table through the Data API, evolving the table to fit, with an audit row per file (seed 003)',
  args: csvToRedshiftArgs,
  async run(config, ctx, deps) {
    const warehouse = await deps.connections.warehouse({
      ...(config.workgroup ? { workgroupName: config.workgroup } : {}),
      ...(config.cluster_id ? { clusterIdentifier: config.cluster_id } : {}),
      ...(config.database ? { database: config.database } : {}),
      ...(config.secret_arn ? { secretArn: config.secret_arn } : {}),
      ...(config.db_user ? { dbUser: config.db_user } : {}),
      ...(config.iam_role ? { iamRole: config.iam_role } : {}),
    });
    const views = await loadViews(deps.objects, config.view_config);
    const files = await sourceFiles(deps.objects, config.source);
    if (files.length === 0) {
      ctx.logger.warn({ source: config.source }, `nothing to load under ${config.source}`);
      return {};
    }
    await sweepStaging(config, ctx, { objects: deps.objects, warehouse });
    const archive = config.archive === 'yes' || (config.archive === 'auto' && config.source !== bundledSample);
    const outcomes: FileOutcome[] = [];
    for (const [index, file] of files.entries()) {
      const outcome = await loadFile(file, config, ctx, {
        objects: deps.objects,
        warehouse,
        runId: ctx.runId,
        jobName: ctx.jobName,
        index,
        views,
        archive,
      });
      outcomes.push(outcome);
      const { plan, ...counts } = outcome;
      if (config.dry_run) {
        ctx.logger.info({ file, steps: plan.length }, `dry run: the plan for ${file} follows; nothing was changed`);
        for (const [n, step] of plan.entries()) ctx.logger.info({ file, step: n + 1, sql: step.sql }, `plan ${n + 1}: ${step.reason}`);
      }
      ctx.logger.info(
        counts,
        `${file}: ${outcome.status} — ${outcome.read} read, ${outcome.inserted} inserted, ${outcome.updated} updated, ${outcome.duplicates} duplicate keys, ${outcome.rejected} rejected`,
      );
    }
    const where =
      config.workgroup || config.cluster_id
        ? `Redshift (${config.workgroup ?? config.cluster_id})`
        : 'the embedded warehouse (PGlite under <local_dir>/warehouse)';
    if (!config.dry_run)
      ctx.logger.info(
        { table: config.target_table },
        `loaded into ${config.target_table} in ${where}; one audit row per file in ${config.target_table.split('.').length > 1 ? `${config.target_table.split('.')[0]}.job_sts` : 'job_sts'}`,
      );
    return { outputs: { table: config.target_table } };
  },
});
