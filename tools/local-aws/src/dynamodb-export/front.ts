import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { S3Client } from '@aws-sdk/client-s3';
import { systemClock, type Clock } from '@etl/core';
import { Exports } from './exports.js';
import { recordedWrite, WRITE_OPERATIONS } from './record-writes.js';
import { KeyLocks, TableGate } from './table-gate.js';
import { Tables } from './tables.js';
import { DynamoDbError, Upstream, type UpstreamAnswer } from './upstream.js';
import { readBody, reply } from '../http-body.js';

export interface DynamoDbExportFrontOptions {
  /** The DynamoDB stand-in to put the front before (dynalite or DynamoDB Local). */
  upstream: string;
  /** The stack's S3, where exports are written. Without it exports fail (status FAILED), saying why. */
  s3?: S3Client;
  /** Time of writes and exports; tests move it to make 15-minute windows in an instant. Default: system time. */
  clock?: Clock;
  /** An export stays IN_PROGRESS at least this long. Default 0 (it still answers IN_PROGRESS first). */
  minExportMs?: number;
  /** Items per data file. Default 10,000; a full export's memory is one file's lines and its gzip. */
  itemsPerFile?: number;
}

export interface DynamoDbExportFront {
  endpoint: string;
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;

/**
 * DynamoDB's native export in front of a DynamoDB stand-in, which has none: answers
 * ExportTableToPointInTime, DescribeExport, ListExports, UpdateContinuousBackups and
 * DescribeContinuousBackups itself and passes every other request through. For tables with
 * point-in-time recovery enabled it records each write's before and after images (PITR's history),
 * so a full export can be taken as of a past time and an incremental export can list what changed.
 * Memory: every write to a PITR table since PITR was enabled (its key, old and new image).
 */
export async function startDynamoDbExportFront(options: DynamoDbExportFrontOptions): Promise<DynamoDbExportFront> {
  const clock = options.clock ?? systemClock;
  const upstream = new Upstream(options.upstream);
  const tables = new Tables(upstream);
  const gate = new TableGate();
  const locks = new KeyLocks();
  const exports = new Exports({
    upstream,
    tables,
    gate,
    clock,
    s3: options.s3,
    minExportMs: options.minExportMs ?? 0,
    itemsPerFile: options.itemsPerFile ?? 10_000,
  });

  const own: Record<string, (input: Json) => Promise<Json> | Json> = {
    ExportTableToPointInTime: (input) => exports.start(input),
    DescribeExport: (input) => exports.describe(input),
    ListExports: (input) => exports.list(input),
    async UpdateContinuousBackups(input) {
      const table = await tables.describe(String(input['TableName'] ?? ''), 'TableNotFoundException');
      const spec = (input['PointInTimeRecoverySpecification'] ?? {}) as Json;
      if (typeof spec['PointInTimeRecoveryEnabled'] !== 'boolean')
        throw new DynamoDbError('ValidationException', 'PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is required');
      const days = spec['RecoveryPeriodInDays'];
      if (days !== undefined && (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 35))
        throw new DynamoDbError('ValidationException', 'RecoveryPeriodInDays must be an integer from 1 to 35');
      tables.setPitr(table.name, spec['PointInTimeRecoveryEnabled'], clock.now(), (days as number | undefined) ?? 35);
      return tables.continuousBackups(table.name, clock.now());
    },
    async DescribeContinuousBackups(input) {
      const table = await tables.describe(String(input['TableName'] ?? ''), 'TableNotFoundException');
      return tables.continuousBackups(table.name, clock.now());
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');
    const forward = () => upstream.forward(req.method ?? 'POST', req.url ?? '/', req.headers, body);
    const ownHandler = own[operation];
    if (ownHandler) {
      try {
        return send(res, 200, await ownHandler(parse(body)));
      } catch (error) {
        if (error instanceof DynamoDbError)
          return send(res, error.status, { __type: `com.amazonaws.dynamodb.v20120810#${error.type}`, message: error.message });
        throw error;
      }
    }
    let answer: UpstreamAnswer;
    if (WRITE_OPERATIONS.has(operation) && tables.anyRecorded)
      answer = await recordedWrite({ upstream, tables, gate, locks, clock }, operation, parse(body), forward);
    else answer = await forward();
    if (operation === 'DeleteTable' && answer.status === 200) tables.forget(String(parse(body)['TableName'] ?? ''));
    reply(res, answer.status, answer.headers, answer.body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) =>
      send(res, 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: `export front: ${error.message}` }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await exports.settle();
    },
  };
}

function parse(body: Buffer): Json {
  return body.length ? (JSON.parse(body.toString('utf8')) as Json) : {};
}

function send(res: ServerResponse, status: number, json: Json): void {
  reply(
    res,
    status,
    { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'local-export-front' },
    Buffer.from(JSON.stringify(json)),
  );
}
