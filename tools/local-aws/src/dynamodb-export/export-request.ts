import { DynamoDbError } from './upstream.js';
import type { TableInfo } from './tables.js';

type Json = Record<string, unknown>;
export type View = 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';

/** What an export produces, defaults filled in. */
export interface ExportParameters {
  tableArn: string;
  bucket: string;
  prefix: string | undefined;
  type: 'FULL_EXPORT' | 'INCREMENTAL_EXPORT';
  exportTime: number | undefined;
  /** No ExportTime was asked: the table as it is when the export runs. */
  asOfRequest: boolean;
  from: number | undefined;
  to: number | undefined;
  view: View | undefined;
  format: string;
}

const MINUTE_MS = 60_000;
// "Pick an export period for which you want to export changed data, from 15 minutes up to 24
// hours" (AWS Database Blog, "Introducing incremental export from Amazon DynamoDB to Amazon S3").
const MIN_WINDOW_MS = 15 * MINUTE_MS;
const MAX_WINDOW_MS = 24 * 60 * MINUTE_MS;

/**
 * Checks an ExportTableToPointInTime request the way AWS documents its refusals and fills in its
 * defaults. Pure: `earliest` is the table's earliest restorable time (undefined: PITR is off);
 * times are epoch seconds as on the wire.
 */
export function exportParameters(input: Json, table: TableInfo, earliest: Date | undefined, now: Date): ExportParameters {
  const bucket = requiredString(input, 'S3Bucket');
  if (!/^[a-z0-9A-Z]+[.\-\w]*[a-z0-9A-Z]+$/.test(bucket)) throw new DynamoDbError('ValidationException', `Invalid S3Bucket: ${bucket}`);
  const format = (input['ExportFormat'] as string | undefined) ?? 'DYNAMODB_JSON';
  if (format !== 'DYNAMODB_JSON')
    throw new DynamoDbError('ValidationException', `ExportFormat ${format} is not supported by the local stand-in (DYNAMODB_JSON only)`);
  const type = (input['ExportType'] as string | undefined) ?? 'FULL_EXPORT';
  if (type !== 'FULL_EXPORT' && type !== 'INCREMENTAL_EXPORT')
    throw new DynamoDbError('ValidationException', `ExportType must be FULL_EXPORT or INCREMENTAL_EXPORT, not ${type}`);
  if (!earliest)
    throw new DynamoDbError('PointInTimeRecoveryUnavailableException', `Point in time recovery is not enabled for table '${table.name}'`);
  const inWindow = (seconds: number, what: string) => {
    if (seconds * 1000 < earliest.getTime() || seconds * 1000 > now.getTime())
      throw new DynamoDbError(
        'InvalidExportTimeException',
        `${what} ${new Date(seconds * 1000).toISOString()} is outside the point in time recovery window (${earliest.toISOString()} to ${now.toISOString()})`,
      );
    return seconds;
  };
  const spec = input['IncrementalExportSpecification'] as Json | undefined;
  const base = { tableArn: table.arn, bucket, prefix: input['S3Prefix'] as string | undefined, format };
  if (type === 'FULL_EXPORT') {
    if (spec)
      throw new DynamoDbError('ValidationException', 'IncrementalExportSpecification is only valid with ExportType INCREMENTAL_EXPORT');
    const asked = typeof input['ExportTime'] === 'number';
    const exportTime = asked ? inWindow(input['ExportTime'] as number, 'ExportTime') : now.getTime() / 1000;
    return { ...base, type, exportTime, asOfRequest: !asked, from: undefined, to: undefined, view: undefined };
  }
  if (input['ExportTime'] !== undefined)
    throw new DynamoDbError('ValidationException', 'ExportTime is not valid for an incremental export');
  if (typeof spec?.['ExportFromTime'] !== 'number')
    throw new DynamoDbError('ValidationException', 'IncrementalExportSpecification.ExportFromTime is required for an incremental export');
  const from = inWindow(spec['ExportFromTime'], 'ExportFromTime');
  const to = typeof spec['ExportToTime'] === 'number' ? inWindow(spec['ExportToTime'], 'ExportToTime') : now.getTime() / 1000;
  const windowMs = (to - from) * 1000;
  if (windowMs < MIN_WINDOW_MS || windowMs > MAX_WINDOW_MS)
    throw new DynamoDbError(
      'ValidationException',
      `The incremental export period must be at least 15 minutes and at most 24 hours; ExportFromTime to ExportToTime is ${Math.round(windowMs / 1000)} s`,
    );
  const view = (spec['ExportViewType'] as string | undefined) ?? 'NEW_AND_OLD_IMAGES';
  if (view !== 'NEW_IMAGE' && view !== 'NEW_AND_OLD_IMAGES')
    throw new DynamoDbError('ValidationException', `ExportViewType must be NEW_IMAGE or NEW_AND_OLD_IMAGES, not ${view}`);
  return { ...base, type, exportTime: undefined, asOfRequest: false, from, to, view };
}

export function requiredString(input: Json, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') throw new DynamoDbError('ValidationException', `${name} is required`);
  return value;
}
