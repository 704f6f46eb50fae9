import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dataApiRefusals, pgTypeName, pgValueKind } from '@etl/sql';
import type { SqlResult } from './sql-backend.js';
import type { Statement, StatementRunner, SubStatement } from './statements.js';

/** An error in the shape the AWS JSON protocol carries (`__type`, `message`). */
class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

const PAGE_ROWS = 1000;

/**
 * The Redshift Data API's JSON protocol (`X-Amz-Target: RedshiftData.<Operation>`) over a statement
 * runner. Requests are not authenticated; any signature is accepted.
 */
export function createDataApiServer(runner: StatementRunner): Server {
  const handlers: Record<string, (input: Json) => Json> = {
    ExecuteStatement: (input) => {
      const sql = requireString(input, 'Sql');
      withinLimits([sql]);
      const statement = runner.submit({
        sqls: [sql],
        isBatch: false,
        parameters: parameters(input['Parameters']),
        target: targetOf(input),
        ...(typeof input['StatementName'] === 'string' ? { statementName: input['StatementName'] } : {}),
      });
      return { Id: statement.id, CreatedAt: epoch(statement.createdAt), ...statement.target };
    },
    BatchExecuteStatement: (input) => {
      const sqls = input['Sqls'];
      if (!Array.isArray(sqls) || sqls.length === 0 || !sqls.every((s) => typeof s === 'string'))
        throw new ApiError('ValidationException', 'Sqls must be a non-empty list of SQL strings');
      withinLimits(sqls as string[]);
      const statement = runner.submit({ sqls: sqls as string[], isBatch: true, target: targetOf(input) });
      return { Id: statement.id, CreatedAt: epoch(statement.createdAt), ...statement.target };
    },
    DescribeStatement: (input) => {
      const found = runner.get(requireString(input, 'Id'));
      if (!found) throw new ApiError('ResourceNotFoundException', `Query does not exist: ${String(input['Id'])}`);
      return found.sub ? describeSub(found.sub) : describe(found.statement);
    },
    GetStatementResult: (input) => {
      const id = requireString(input, 'Id');
      const found = runner.get(id);
      if (!found) throw new ApiError('ResourceNotFoundException', `Query does not exist: ${id}`);
      const target = found.sub ?? (found.statement.subStatements.length === 1 ? found.statement.subStatements[0] : undefined);
      if (!target) throw new ApiError('ValidationException', 'a batch has one result per sub-statement: ask for <Id>:<n>');
      if (target.status !== 'FINISHED')
        throw new ApiError(
          'ValidationException',
          `Query does not have result. Please check query status with DescribeStatement (status ${target.status})`,
        );
      if (!target.result || target.result.columns.length === 0) throw new ApiError('ValidationException', 'Query does not have result.');
      return resultPage(target.result, input['NextToken']);
    },
    CancelStatement: (input) => {
      const id = requireString(input, 'Id');
      if (!runner.get(id)) throw new ApiError('ResourceNotFoundException', `Query does not exist: ${id}`);
      return { Status: runner.cancel(id) };
    },
    ListStatements: (input) => {
      const status = typeof input['Status'] === 'string' ? input['Status'] : 'ALL';
      const max = typeof input['MaxResults'] === 'number' ? input['MaxResults'] : 100;
      const offset = typeof input['NextToken'] === 'string' ? Number(input['NextToken']) : 0;
      const all = runner.list().filter((s) => status === 'ALL' || s.status === status);
      const page = all.slice(offset, offset + max);
      return {
        Statements: page.map((s) => ({
          Id: s.id,
          QueryString: s.isBatch ? undefined : s.sqls[0],
          QueryStrings: s.isBatch ? s.sqls : undefined,
          IsBatchStatement: s.isBatch,
          Status: s.status,
          CreatedAt: epoch(s.createdAt),
          UpdatedAt: epoch(s.updatedAt),
          ...(s.statementName ? { StatementName: s.statementName } : {}),
        })),
        ...(offset + max < all.length ? { NextToken: String(offset + max) } : {}),
      };
    },
  };

  return createServer((request, response) => {
    void handle(request, response, handlers);
  });
}

async function handle(request: IncomingMessage, response: ServerResponse, handlers: Record<string, (input: Json) => Json>): Promise<void> {
  try {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('RedshiftData.') ? target.slice('RedshiftData.'.length) : '';
    const handler = handlers[operation];
    const body = await readBody(request);
    if (!handler) throw new ApiError('UnknownOperationException', `the local Redshift Data API stand-in does not implement "${target}"`);
    send(response, 200, handler(body.length > 0 ? (JSON.parse(body) as Json) : {}));
  } catch (error) {
    if (error instanceof ApiError) send(response, error.status, { __type: error.type, message: error.message });
    else send(response, 500, { __type: 'InternalServerException', message: (error as Error).message });
  }
}

export async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': crypto.randomUUID(),
  });
  response.end(text);
}

/** The Data API refuses a call past its limits (statements per batch, statement size) before running anything. */
function withinLimits(sqls: readonly string[]): void {
  const [refusal] = dataApiRefusals(sqls);
  if (refusal) throw new ApiError('ValidationException', refusal.message);
}

function requireString(input: Json, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') throw new ApiError('ValidationException', `${name} is required`);
  return value;
}

function parameters(value: unknown): Array<{ name: string; value: string }> {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ApiError('ValidationException', 'Parameters must be a list');
  return value.map((p: { name?: unknown; value?: unknown }) => {
    if (typeof p.name !== 'string' || typeof p.value !== 'string')
      throw new ApiError('ValidationException', 'each parameter needs a name and a string value');
    return { name: p.name, value: p.value };
  });
}

function targetOf(input: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['Database', 'WorkgroupName', 'ClusterIdentifier', 'DbUser', 'SecretArn']) {
    if (typeof input[key] === 'string') out[key] = input[key] as string;
  }
  if (!out['WorkgroupName'] && !out['ClusterIdentifier'])
    throw new ApiError('ValidationException', 'either WorkgroupName or ClusterIdentifier is required');
  return out;
}

function epoch(date: Date): number {
  return date.getTime() / 1000;
}

/** What statements and sub-statements report alike: id, status, error, times. */
function lifecycle(x: Pick<Statement, 'id' | 'status' | 'error' | 'createdAt' | 'updatedAt' | 'durationNs'>): Json {
  return {
    Id: x.id,
    Status: x.status,
    ...(x.error !== undefined ? { Error: x.error } : {}),
    CreatedAt: epoch(x.createdAt),
    UpdatedAt: epoch(x.updatedAt),
    Duration: x.durationNs,
  };
}

function describe(s: Statement): Json {
  const single = s.subStatements.length === 1 && !s.isBatch ? s.subStatements[0] : undefined;
  return {
    ...lifecycle(s),
    RedshiftPid: process.pid,
    QueryString: s.isBatch ? undefined : s.sqls[0],
    HasResultSet: single ? hasResultSet(single) : false,
    ResultRows: single ? single.resultRows : -1,
    ResultSize: -1,
    ...(s.parameters.length > 0 ? { QueryParameters: s.parameters } : {}),
    ...(s.isBatch ? { SubStatements: s.subStatements.map(describeSub) } : {}),
    ...s.target,
  };
}

function describeSub(sub: SubStatement): Json {
  return {
    ...lifecycle(sub),
    QueryString: sub.sql,
    HasResultSet: hasResultSet(sub),
    ResultRows: sub.resultRows,
    ResultSize: -1,
  };
}

function hasResultSet(sub: SubStatement): boolean {
  return (sub.result?.columns.length ?? 0) > 0;
}

function resultPage(result: SqlResult, nextToken: unknown): Json {
  const offset = typeof nextToken === 'string' ? Number(nextToken) : 0;
  const rows = result.rows.slice(offset, offset + PAGE_ROWS);
  return {
    ColumnMetadata: result.columns.map((c) => ({ name: c.name, label: c.name, typeName: pgTypeName(c.typeOid), nullable: 1 })),
    Records: rows.map((row) => row.map((value, i) => field(value, result.columns[i]?.typeOid ?? 25))),
    TotalNumRows: result.rows.length,
    ...(offset + PAGE_ROWS < result.rows.length ? { NextToken: String(offset + PAGE_ROWS) } : {}),
  };
}

/** Typed fields as the real service returns them: integers as longValue, floats as doubleValue, decimals as strings. */
function field(value: string | null, typeOid: number): Json {
  if (value === null) return { isNull: true };
  switch (pgValueKind(typeOid)) {
    case 'integer':
      return { longValue: Number(value) };
    case 'float':
      return { doubleValue: Number(value) };
    case 'boolean':
      return { booleanValue: value === 't' || value === 'true' };
    default:
      return { stringValue: value };
  }
}
