import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TerminalError, type RunContext, type Source } from '@etl/core';
import { applyExportChanges, exportChanges, exportItems, exportTableToPointInTime, tableKey, type Item } from '@etl/dynamodb';
import { parseObjectUri, type ObjectStore } from '@etl/object-store';
import type { JobConfig } from '@etl/runtime';
import type { exportArgs } from './config.js';

type ExportConfig = Pick<JobConfig<typeof exportArgs>, 'table' | 'export_path' | 'since' | 'until' | 'base_export'>;

/** Problems of the native-export arguments (`--method export`), each one line; [] when they fit. */
export function nativeExportProblems(config: ExportConfig & { method: string }): string[] {
  const problems: string[] = [];
  const time = (name: 'since' | 'until') => {
    const text = config[name];
    if (text !== undefined && Number.isNaN(Date.parse(text)))
      problems.push(`--${name}: "${text}" is not an ISO time (2026-12-06T10:00:00Z)`);
  };
  time('since');
  time('until');
  if (config.method !== 'export') {
    for (const name of ['export_path', 'since', 'until', 'base_export'] as const)
      if (config[name] !== undefined) problems.push(`--${name}: only with --method export`);
    return problems;
  }
  if (!config.export_path?.startsWith('s3://'))
    problems.push('--export_path: required with --method export, an S3 folder (s3://bucket/prefix) DynamoDB can write to');
  if (config.since !== undefined && config.base_export === undefined)
    problems.push("--base_export: required with --since, the manifest-summary.json of a full export the window's changes are applied to");
  if (config.base_export !== undefined && config.since === undefined)
    problems.push('--base_export: only with --since (an incremental export)');
  return problems;
}

/**
 * The table's items by DynamoDB's native export: a full export (as of `--until`, default now), or the
 * full export `--base_export` brought up to date with the incremental export of `--since`..`--until`
 * (updates replace items, deletes drop them). Waits for the export; no read capacity used.
 */
export async function nativeExportItems(
  client: DynamoDBClient,
  objects: ObjectStore,
  config: ExportConfig,
  ctx: RunContext,
): Promise<{ items: Source<Item>; figures: Record<string, unknown> }> {
  const location = parseObjectUri(config.export_path as string);
  const target =
    location.scheme === 's3'
      ? { s3Bucket: location.bucket, ...(location.key ? { s3Prefix: location.key.replace(/\/$/, '') } : {}) }
      : undefined;
  if (!target) throw new TerminalError('BAD_ARGUMENT', `--export_path: ${config.export_path} is not an S3 folder`);
  const until = config.until ? new Date(config.until) : undefined;
  if (config.since) {
    const window = await exportTableToPointInTime(client, ctx, {
      table: config.table,
      ...target,
      incremental: { from: new Date(config.since), ...(until ? { to: until } : {}) },
    });
    const current = applyExportChanges(
      exportItems(objects, config.base_export as string),
      exportChanges(objects, window.manifestUri),
      await tableKey(client, config.table),
    );
    return {
      items: current,
      figures: {
        exportType: window.type,
        exportManifest: window.manifestUri,
        exportedItems: window.itemCount,
        baseExport: config.base_export,
      },
    };
  }
  const full = await exportTableToPointInTime(client, ctx, { table: config.table, ...target, ...(until ? { exportTime: until } : {}) });
  return {
    items: exportItems(objects, full.manifestUri),
    figures: { exportType: full.type, exportManifest: full.manifestUri, exportedItems: full.itemCount },
  };
}
