import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TerminalError, type RunContext, type Source } from '@etl/core';
import {
  applyExportChanges,
  exportChanges,
  exportItems,
  exportTableToPointInTime,
  readExportManifest,
  tableKey,
  type ExportManifest,
  type Item,
} from '@etl/dynamodb';
import { parseObjectUri, type ObjectStore } from '@etl/object-store';
import type { JobConfig } from '@etl/runtime';
import type { exportArgs } from './config.js';

type ExportConfig = Pick<JobConfig<typeof exportArgs>, 'table' | 'export_path' | 'since' | 'until' | 'base_export'> & {
  max_changes?: number;
};

/**
 * Problems of the native-export arguments (`--method export`), each one line; [] when they fit. A
 * window given whole is checked as DynamoDB checks it, so the run is refused before it starts; one
 * that ends now, or a time in the future, is left to DynamoDB (whose clock it is).
 */
export function nativeExportProblems(config: ExportConfig & { method: string }): string[] {
  const problems: string[] = [];
  const time = (name: 'since' | 'until'): number | undefined => {
    const text = config[name];
    const ms = text === undefined ? undefined : Date.parse(text);
    if (ms === undefined || !Number.isNaN(ms)) return ms;
    problems.push(`--${name}: "${text}" is not an ISO time (2026-12-06T10:00:00Z)`);
    return undefined;
  };
  const since = time('since');
  const until = time('until');
  if (config.method !== 'export') {
    for (const name of ['export_path', 'since', 'until', 'base_export'] as const)
      if (config[name] !== undefined) problems.push(`--${name}: only with --method export`);
    return problems;
  }
  if (since !== undefined && until !== undefined) {
    // "Pick an export period … from 15 minutes up to 24 hours" (AWS Database Blog, "Introducing
    // incremental export from Amazon DynamoDB to Amazon S3"); the local stack's stand-in refuses the same.
    const minutes = (until - since) / 60_000;
    if (minutes < 15 || minutes > 24 * 60)
      problems.push(
        `--since: the window ${config.since} to ${config.until} is ${minutes < 0 ? 'backwards' : minutes < 15 ? `${Math.floor(minutes)} min` : 'longer than 24 hours'}; an incremental export takes 15 minutes to 24 hours`,
      );
  }
  if (config.export_path === undefined)
    problems.push('--export_path: required with --method export, an S3 folder (s3://bucket/prefix) DynamoDB can write to');
  else if (!config.export_path.startsWith('s3://'))
    problems.push(
      `--export_path: ${config.export_path} is not an S3 folder: DynamoDB exports only to S3 (s3://bucket/prefix; the local stack's moto bucket will do)`,
    );
  if (config.since !== undefined && config.base_export === undefined)
    problems.push("--base_export: required with --since, the manifest-summary.json of a full export the window's changes are applied to");
  if (config.base_export !== undefined && config.since === undefined)
    problems.push('--base_export: only with --since (an incremental export)');
  return problems;
}

/**
 * Why `--since` cannot be applied to the base export (one line), or undefined: the base must be a full
 * export, and the window must start at or before the point in time it reflects, else the changes
 * between the two are in neither and would be lost without a word.
 */
export function windowProblem(since: string, base: Pick<ExportManifest, 'type' | 'exportTime'>, baseUri: string): string | undefined {
  if (base.type !== 'FULL_EXPORT')
    return `--base_export: ${baseUri} is an incremental export (changes, not items); give a full export's manifest-summary.json`;
  if (base.exportTime === undefined)
    return `--base_export: ${baseUri} does not say its exportTime; give the manifest-summary.json DynamoDB wrote`;
  if (Date.parse(since) > Date.parse(base.exportTime))
    return `--since: ${since} is after ${base.exportTime}, the point in time --base_export reflects (the changes between them would be lost); use --since ${base.exportTime}`;
  return undefined;
}

/** `windowProblem` with the base export's manifest read (a base that cannot be read is a problem too); [] when it fits. */
export async function baseExportProblems(config: ExportConfig & { method: string }, objects: ObjectStore): Promise<string[]> {
  if (config.method !== 'export' || config.since === undefined || config.base_export === undefined) return [];
  if (Number.isNaN(Date.parse(config.since))) return []; // said by nativeExportProblems
  const base = await readExportManifest(objects, config.base_export).catch((error: Error) => error);
  if (base instanceof Error) return [`--base_export: ${config.base_export}: ${base.message}`];
  const problem = windowProblem(config.since, base, config.base_export);
  return problem ? [problem] : [];
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
      config.max_changes !== undefined ? { maxChanges: config.max_changes } : {},
    );
    return {
      items: current,
      figures: {
        exportType: window.type,
        exportManifest: window.manifestUri,
        exportedItems: window.itemCount,
        baseExport: config.base_export,
        exportTime: (await readExportManifest(objects, window.manifestUri)).exportTime,
      },
    };
  }
  const full = await exportTableToPointInTime(client, ctx, { table: config.table, ...target, ...(until ? { exportTime: until } : {}) });
  return {
    items: exportItems(objects, full.manifestUri),
    figures: {
      exportType: full.type,
      exportManifest: full.manifestUri,
      exportedItems: full.itemCount,
      exportTime: (await readExportManifest(objects, full.manifestUri)).exportTime,
    },
  };
}

/** What the dataset's manifest records of a native export: the point in time the output reflects and the export(s) it came from. */
export function exportAnnotations(figures: Record<string, unknown>): Record<string, string> {
  const names = ['exportTime', 'exportManifest', 'baseExport'] as const;
  return Object.fromEntries(names.flatMap((name) => (typeof figures[name] === 'string' ? [[name, figures[name]]] : [])));
}
