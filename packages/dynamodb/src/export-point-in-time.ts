import { createHash } from 'node:crypto';
import type { DynamoDBClient, ExportDescription } from '@aws-sdk/client-dynamodb';
import { isTransient, retry, TerminalError, type RunContext } from '@etl/core';
import { dynamoDbSdk } from './sdk.js';

export interface NativeExportRequest {
  /** Table name or ARN. Point-in-time recovery must be enabled on it. */
  table: string;
  s3Bucket: string;
  s3Prefix?: string;
  /** A full export as of this time (default: now). */
  exportTime?: Date;
  /** Instead of a full export, the changes in [from, to) (15 minutes to 24 hours; `to` defaults to now). */
  incremental?: { from: Date; to?: Date; view?: 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE' };
  /**
   * Makes the request idempotent for 8 hours: the same token and parameters return the same export.
   * Default: derived from the run (job name, run id) and the request, so a retried call, or a retried
   * step of the same run, starts no second export, and a new run starts a new one.
   */
  clientToken?: string;
  /** DescribeExport is asked after `pollMs` (default 2 s), the wait doubling up to `maxPollMs` (default 60 s). */
  pollMs?: number;
  maxPollMs?: number;
  /** Give up waiting after this long (default 6 h; exports of large tables take hours). */
  timeoutMs?: number;
}

/** A completed export: where its manifest is, and what it holds. */
export interface NativeExport {
  exportArn: string;
  type: 'FULL_EXPORT' | 'INCREMENTAL_EXPORT';
  /** `s3://bucket/<prefix>/AWSDynamoDB/<ExportId>/manifest-summary.json`: give it to `exportItems` / `exportChanges`. */
  manifestUri: string;
  itemCount: number;
  clientToken: string;
}

/**
 * DynamoDB's native export (ExportTableToPointInTime) of a table to S3, awaited: starts the export
 * (retrying throttling and 5xx: the client token makes a retry return the same export), then asks
 * DescribeExport with backoff until it is COMPLETED. A FAILED export, a table without point-in-time
 * recovery, a time outside its window or a token reused for another request is a `TerminalError`.
 */
export async function exportTableToPointInTime(
  client: DynamoDBClient,
  ctx: RunContext,
  request: NativeExportRequest,
): Promise<NativeExport> {
  const { DescribeExportCommand, ExportTableToPointInTimeCommand } = dynamoDbSdk();
  const tableArn = request.table.startsWith('arn:') ? request.table : await describeArn(client, ctx, request.table);
  const type = request.incremental ? 'INCREMENTAL_EXPORT' : 'FULL_EXPORT';
  const clientToken = request.clientToken ?? derivedToken(ctx, tableArn, request);
  const send = <T>(operation: () => Promise<T>) =>
    retry(operation, {
      clock: ctx.clock,
      signal: ctx.signal,
      shouldRetry: (error) => isTransient(error) || (error as { name?: string }).name === 'LimitExceededException',
      onRetry: ({ attempt, error }) => ctx.logger.warn({ attempt, error: String(error) }, 'DynamoDB export call failed; retrying'),
    }).catch((error: unknown) => {
      throw terminal(error, request.table, clientToken);
    });

  const started = await send(() =>
    client.send(
      new ExportTableToPointInTimeCommand({
        TableArn: tableArn,
        ClientToken: clientToken,
        S3Bucket: request.s3Bucket,
        ...(request.s3Prefix ? { S3Prefix: request.s3Prefix } : {}),
        ExportFormat: 'DYNAMODB_JSON',
        ExportType: type,
        ...(request.exportTime ? { ExportTime: request.exportTime } : {}),
        ...(request.incremental
          ? {
              IncrementalExportSpecification: {
                ExportFromTime: request.incremental.from,
                ...(request.incremental.to ? { ExportToTime: request.incremental.to } : {}),
                ExportViewType: request.incremental.view ?? 'NEW_AND_OLD_IMAGES',
              },
            }
          : {}),
      }),
      { abortSignal: ctx.signal },
    ),
  );
  let description = started.ExportDescription as ExportDescription;
  const exportArn = description.ExportArn as string;
  ctx.logger.info({ exportArn, table: request.table, type, clientToken }, 'DynamoDB export started');

  const deadline = ctx.clock.monotonicMs() + (request.timeoutMs ?? 6 * 3_600_000);
  let waitMs = request.pollMs ?? 2000;
  while (description.ExportStatus === 'IN_PROGRESS') {
    if (ctx.clock.monotonicMs() > deadline)
      throw new TerminalError(
        'TIMEOUT',
        `DynamoDB export ${exportArn} is still IN_PROGRESS; wait longer (timeoutMs) or check it in the console`,
      );
    await ctx.clock.sleep(waitMs, ctx.signal);
    waitMs = Math.min(waitMs * 2, request.maxPollMs ?? 60_000);
    description = (await send(() => client.send(new DescribeExportCommand({ ExportArn: exportArn }), { abortSignal: ctx.signal })))
      .ExportDescription as ExportDescription;
  }
  if (description.ExportStatus !== 'COMPLETED')
    throw new TerminalError(
      'IO',
      `DynamoDB export ${exportArn} of ${request.table} failed: ${description.FailureCode ?? 'no code'}: ${description.FailureMessage ?? 'no message'}`,
    );
  const prefix = description.S3Prefix ? `${description.S3Prefix.replace(/\/+$/, '')}/` : '';
  const exportId = exportArn.slice(exportArn.lastIndexOf('/') + 1);
  const done: NativeExport = {
    exportArn,
    type,
    manifestUri: `s3://${description.S3Bucket ?? request.s3Bucket}/${prefix}AWSDynamoDB/${exportId}/manifest-summary.json`,
    itemCount: description.ItemCount ?? 0,
    clientToken,
  };
  ctx.logger.info({ exportArn, itemCount: done.itemCount, manifest: done.manifestUri }, 'DynamoDB export completed');
  return done;
}

async function describeArn(client: DynamoDBClient, ctx: RunContext, table: string): Promise<string> {
  const { DescribeTableCommand } = dynamoDbSdk();
  try {
    const { Table } = await retry(() => client.send(new DescribeTableCommand({ TableName: table }), { abortSignal: ctx.signal }), {
      clock: ctx.clock,
      signal: ctx.signal,
    });
    return Table?.TableArn as string;
  } catch (error) {
    throw terminal(error, table, '');
  }
}

/** A token from the run and the request (ExportTableToPointInTime's token: at most 64 characters). */
function derivedToken(ctx: RunContext, tableArn: string, request: NativeExportRequest): string {
  const inc = request.incremental;
  const parts = [ctx.jobName, ctx.runId, tableArn, request.s3Bucket, request.s3Prefix ?? '', request.exportTime?.toISOString() ?? ''];
  if (inc) parts.push(inc.from.toISOString(), inc.to?.toISOString() ?? '', inc.view ?? '');
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 64);
}

/** DynamoDB's refusals as one line naming the table and what to do; anything else as it came. */
function terminal(error: unknown, table: string, token: string): unknown {
  const name = (error as { name?: string }).name ?? '';
  const message = (error as { message?: string }).message ?? String(error);
  const codes: Record<string, [TerminalError['code'], string]> = {
    PointInTimeRecoveryUnavailableException: [
      'CONFIG',
      `point-in-time recovery is not enabled on DynamoDB table ${table}: enable it (aws dynamodb update-continuous-backups --table-name ${table} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true), or export by scan`,
    ],
    InvalidExportTimeException: [
      'BAD_ARGUMENT',
      `DynamoDB export of ${table}: ${message} (times must lie in the point-in-time recovery window)`,
    ],
    ImportConflictException: [
      'CONFLICT',
      `DynamoDB export of ${table}: client token ${token} was used for a different export request; give a new token`,
    ],
    IdempotentParameterMismatchException: [
      'CONFLICT',
      `DynamoDB export of ${table}: client token ${token} was used for a different export request; give a new token`,
    ],
    ExportConflictException: ['CONFLICT', `DynamoDB export of ${table}: ${message}`],
    // dynalite and DynamoDB Local (the embedded default and its stand-ins) do not implement the export API.
    UnknownOperationException: [
      'CONFIG',
      `DynamoDB at this endpoint has no native export (ExportTableToPointInTime) for ${table}: use AWS, or the local stack (npx nx run local-aws:serve), or export by scan`,
    ],
    TableNotFoundException: ['NOT_FOUND', `DynamoDB table ${table} does not exist`],
    ResourceNotFoundException: ['NOT_FOUND', `DynamoDB table ${table} does not exist`],
    ValidationException: ['BAD_ARGUMENT', `DynamoDB export of ${table} refused: ${message}`],
    AccessDeniedException: ['ACCESS_DENIED', `DynamoDB export of ${table}: ${message}`],
  };
  const known = codes[name];
  return known ? new TerminalError(known[0], known[1], { cause: error }) : error;
}
