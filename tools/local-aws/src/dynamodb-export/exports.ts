import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Clock } from '@etl/core';
import { keyId, type Change, type WireItem } from './change-log.js';
import {
  exportFolder,
  fullExportLine,
  incrementalExportLine,
  putText,
  summaryKey,
  writeDataFiles,
  writeManifests,
  type ExportLayout,
} from './export-files.js';
import type { TableGate } from './table-gate.js';
import { tableName, type TableInfo, type Tables } from './tables.js';
import { exportParameters, requiredString, type ExportParameters, type View } from './export-request.js';
import { DynamoDbError, type Upstream } from './upstream.js';

type Json = Record<string, unknown>;

interface ExportJob {
  arn: string;
  clientToken: string;
  /** The request's parameters as sent, to tell a retry from a different request with the same token. */
  request: string;
  parameters: ExportParameters;
  table: TableInfo;
  layout: ExportLayout;
  status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  startTime: Date;
  endTime?: Date;
  itemCount?: number;
  billedSizeBytes?: number;
  failureCode?: string;
  failureMessage?: string;
}

const MINUTE_MS = 60_000;
// "A client token is valid for 8 hours after the first request that uses it is completed"
// (ExportTableToPointInTime, Amazon DynamoDB API Reference).
const TOKEN_VALID_MS = 8 * 60 * MINUTE_MS;

export interface ExportOptions {
  upstream: Upstream;
  tables: Tables;
  gate: TableGate;
  clock: Clock;
  /** Where exports are written: the stack's S3 (moto). Without it an export fails, saying so. */
  s3: S3Client | undefined;
  /** An export stays IN_PROGRESS at least this long (lets tests watch a client wait). Default 0. */
  minExportMs: number;
  /** Items per data file (AWS writes at least one file per partition). Default 10,000. */
  itemsPerFile: number;
}

/** ExportTableToPointInTime, DescribeExport and ListExports over the front's tables and change logs. */
export class Exports {
  private readonly jobs = new Map<string, ExportJob>();
  private readonly byToken = new Map<string, ExportJob>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: ExportOptions) {}

  async start(input: Json): Promise<Json> {
    const now = this.options.clock.now();
    const tableArn = requiredString(input, 'TableArn');
    const table = await this.options.tables.describe(tableArn, 'TableNotFoundException');
    // The request as sent (defaults left out: a retry later in time must match itself).
    const request = JSON.stringify([
      table.arn,
      ...['S3Bucket', 'S3BucketOwner', 'S3Prefix', 'S3SseAlgorithm', 'S3SseKmsKeyId', 'ExportFormat', 'ExportType', 'ExportTime'].map(
        (k) => input[k],
      ),
      input['IncrementalExportSpecification'],
    ]);
    const clientToken = typeof input['ClientToken'] === 'string' ? input['ClientToken'] : randomBytes(16).toString('hex');
    const previous = this.byToken.get(clientToken);
    const stillValid = previous && (previous.endTime === undefined || now.getTime() - previous.endTime.getTime() < TOKEN_VALID_MS);
    if (previous && stillValid) {
      if (previous.request === request) return { ExportDescription: describe(previous) };
      // The API reference: "If you submit a request with the same client token but a change in other
      // parameters within the 8-hour idempotency window, DynamoDB returns an ImportConflictException."
      // (Older SDK docs named IdempotentParameterMismatch; the current reference names this one.)
      throw new DynamoDbError('ImportConflictException', `ClientToken ${clientToken} was already used with different parameters`);
    }
    const parameters = exportParameters(input, table, this.options.tables.earliestRestorable(table.name, now), now);
    const exportId = `${String(now.getTime()).padStart(14, '0')}-${randomBytes(4).toString('hex')}`;
    const job: ExportJob = {
      arn: `${table.arn}/export/${exportId}`,
      clientToken,
      request,
      parameters,
      table,
      layout: { bucket: parameters.bucket, prefix: parameters.prefix ? `${parameters.prefix.replace(/\/+$/, '')}/` : '', exportId },
      status: 'IN_PROGRESS',
      startTime: now,
    };
    this.jobs.set(job.arn, job);
    this.byToken.set(clientToken, job);
    const run = this.run(job).finally(() => this.running.delete(run));
    this.running.add(run);
    return { ExportDescription: describe(job) };
  }

  describe(input: Json): Json {
    const job = this.jobs.get(requiredString(input, 'ExportArn'));
    if (!job) throw new DynamoDbError('ExportNotFoundException', `Export not found: ${String(input['ExportArn'])}`);
    return { ExportDescription: describe(job) };
  }

  list(input: Json): Json {
    const wanted = typeof input['TableArn'] === 'string' ? tableName(input['TableArn']) : undefined;
    const all = [...this.jobs.values()].filter((job) => wanted === undefined || job.table.name === wanted);
    const start = typeof input['NextToken'] === 'string' ? Number(input['NextToken']) : 0;
    const size = typeof input['MaxResults'] === 'number' ? input['MaxResults'] : 25;
    if (!Number.isInteger(size) || size < 1 || size > 25)
      throw new DynamoDbError('ValidationException', 'MaxResults must be between 1 and 25');
    const page = all.slice(start, start + size);
    return {
      ExportSummaries: page.map((job) => ({ ExportArn: job.arn, ExportStatus: job.status, ExportType: job.parameters.type })),
      ...(start + size < all.length ? { NextToken: String(start + size) } : {}),
    };
  }

  /** Waits for every export under way (on stop). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private async run(job: ExportJob): Promise<void> {
    const { s3, itemsPerFile, minExportMs } = this.options;
    const started = Date.now();
    try {
      if (!s3) throw new DynamoDbError('S3NotConfigured', 'the local stack runs without S3, so exports have nowhere to go');
      await putText(s3, job.layout.bucket, `${exportFolder(job.layout)}_started`, '');
      const p = job.parameters;
      const written =
        p.type === 'FULL_EXPORT'
          ? await this.options.gate.alone(job.table.name, () =>
              writeDataFiles(
                s3,
                job.layout,
                this.itemsAt(job.table, p.asOfRequest ? undefined : new Date((p.exportTime as number) * 1000)),
                {
                  incremental: false,
                  itemsPerFile,
                },
              ),
            )
          : await writeDataFiles(
              s3,
              job.layout,
              (
                this.options.tables.log(job.table.name)?.window(new Date((p.from as number) * 1000), new Date((p.to as number) * 1000)) ??
                []
              ).map((change) => incrementalExportLine(change, p.view as View)),
              { incremental: true, itemsPerFile },
            );
      const endTime = this.options.clock.now();
      await writeManifests(s3, job.layout, written.files, summaryOf(job, endTime, written.itemCount, written.bytes));
      const wait = minExportMs - (Date.now() - started);
      if (wait > 0) await delay(wait);
      Object.assign(job, { status: 'COMPLETED', endTime, itemCount: written.itemCount, billedSizeBytes: written.bytes });
    } catch (error) {
      const wait = minExportMs - (Date.now() - started);
      if (wait > 0) await delay(wait);
      const e = error as { name?: string; type?: string; Code?: string; message?: string };
      Object.assign(job, {
        status: 'FAILED',
        endTime: this.options.clock.now(),
        failureCode: e.type ?? e.Code ?? e.name ?? 'UNKNOWN',
        failureMessage: e.message ?? String(error),
      });
    }
  }

  /**
   * The table as of `at`: a Scan of its current items, corrected by the change log - an item written
   * after `at` is exported as it was before that first write (or not at all if it did not exist).
   * Without `at` (no ExportTime asked): the table as it is, which the gate keeps still meanwhile.
   */
  private async *itemsAt(table: TableInfo, at: Date | undefined): AsyncGenerator<string> {
    const changed = (at && this.options.tables.log(table.name)?.firstChangesAfter(at)) || new Map<string, Change>();
    let start: Json | undefined;
    do {
      const page = await this.options.upstream.call<{ Items?: WireItem[]; LastEvaluatedKey?: Json }>('Scan', {
        TableName: table.name,
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      for (const item of page.Items ?? []) if (!changed.has(keyId(table.keyNames, item))) yield fullExportLine(item);
      start = page.LastEvaluatedKey;
    } while (start);
    for (const change of changed.values()) if (change.oldImage) yield fullExportLine(change.oldImage);
  }
}

function summaryOf(job: ExportJob, endTime: Date, itemCount: number, bytes: number): Json {
  const p = job.parameters;
  const iso = (seconds: number | undefined) => new Date((seconds as number) * 1000).toISOString();
  return {
    version: p.type === 'FULL_EXPORT' ? '2020-06-30' : '2023-08-01',
    exportArn: job.arn,
    startTime: job.startTime.toISOString(),
    endTime: endTime.toISOString(),
    tableArn: job.table.arn,
    tableId: job.table.id,
    ...(p.type === 'FULL_EXPORT' ? { exportTime: iso(p.exportTime) } : { exportFromTime: iso(p.from), exportToTime: iso(p.to) }),
    s3Bucket: p.bucket,
    s3Prefix: p.prefix ?? null,
    s3SseAlgorithm: 'AES256',
    s3SseKmsKeyId: null,
    billedSizeBytes: bytes,
    itemCount,
    outputFormat: p.format,
    ...(p.type === 'INCREMENTAL_EXPORT' ? { outputView: p.view, exportType: p.type } : {}),
  };
}

function describe(job: ExportJob): Json {
  const p = job.parameters;
  return {
    ExportArn: job.arn,
    ExportStatus: job.status,
    StartTime: job.startTime.getTime() / 1000,
    ...(job.endTime ? { EndTime: job.endTime.getTime() / 1000 } : {}),
    ExportManifest: summaryKey(job.layout),
    TableArn: job.table.arn,
    TableId: job.table.id,
    ...(p.exportTime !== undefined ? { ExportTime: p.exportTime } : {}),
    ClientToken: job.clientToken,
    S3Bucket: p.bucket,
    ...(p.prefix !== undefined ? { S3Prefix: p.prefix } : {}),
    S3SseAlgorithm: 'AES256',
    ExportFormat: p.format,
    ExportType: p.type,
    ...(p.type === 'INCREMENTAL_EXPORT'
      ? { IncrementalExportSpecification: { ExportFromTime: p.from, ExportToTime: p.to, ExportViewType: p.view } }
      : {}),
    ...(job.itemCount !== undefined ? { ItemCount: job.itemCount, BilledSizeBytes: job.billedSizeBytes } : {}),
    ...(job.failureCode ? { FailureCode: job.failureCode, FailureMessage: job.failureMessage } : {}),
  };
}
