import type { DescribeStatementResponse, Field, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { awsClientConfig } from '@etl/aws-env';
import { TerminalError, isTransient, retry, systemClock, type Clock, type RetryPolicy } from '@etl/core';
import { DATA_API_MAX_BATCH_STATEMENTS, quoteIdent, quoteQualified, redshiftLiteral } from '@etl/sql';
import { redshiftDataSdk } from './redshift-data-sdk.js';
import type { CsvLoad, QueryResult, SqlParameters, SqlValue, Warehouse, WarehouseCallOptions } from '../warehouse.js';

export interface RedshiftDataOptions {
  /** Redshift Serverless workgroup, or … */
  workgroupName?: string;
  /** … a provisioned cluster. */
  clusterIdentifier?: string;
  database: string;
  /** Secrets Manager secret with the credentials, or … */
  secretArn?: string;
  /** … a database user (provisioned clusters, temporary credentials). */
  dbUser?: string;
  /** Role Redshift assumes to read staged files in `loadCsv` (`COPY … IAM_ROLE`). */
  iamRole?: string;
  /**
   * First DescribeStatement poll after this many ms (default 50); each later one waits a tenth longer,
   * up to `maxPollMs` (default 2000). A finished statement is so seen at most a tenth of its run time
   * (or `maxPollMs`) late, for about 30 polls in its first 10 s and one per `maxPollMs` after. Growing
   * by half, as this did first, left a 2.1 s COPY unseen until 3.2 s; by a fifth, a 1.36 s merge until 1.61 s.
   */
  pollMs?: number;
  maxPollMs?: number;
  /** Retries of throttled or 5xx Data API calls (seconds of backoff, not the seed's 5-minute sleeps). */
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  client?: RedshiftDataClient;
  /** Configures the client the standard AWS way when none is given (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

const FINAL = new Set(['FINISHED', 'FAILED', 'ABORTED']);

/** The newest records a COPY of the staged files refused (SYS_LOAD_ERROR_DETAIL: provisioned and Serverless). */
const LOAD_ERRORS_SQL =
  'SELECT TRIM(file_name), line_number, TRIM(column_name), TRIM(error_message) FROM sys_load_error_detail WHERE TRIM(file_name) LIKE :prefix ORDER BY start_time DESC, line_number LIMIT 5';

/** Redshift through the Data API (`@aws-sdk/client-redshift-data`): submit, poll, page typed results. */
export class RedshiftDataWarehouse implements Warehouse {
  readonly name = 'redshift-data';
  /** Redshift identifiers hold up to 127 bytes of UTF-8. */
  readonly maxIdentifierBytes = 127;
  private readonly client: RedshiftDataClient;
  private readonly target: Record<string, string>;
  private readonly clock: Clock;
  /** The SDK's commands: loaded with the first Redshift warehouse (see `redshiftDataSdk`). */
  private readonly sdk = redshiftDataSdk();

  constructor(private readonly options: RedshiftDataOptions) {
    if (!options.workgroupName === !options.clusterIdentifier)
      throw new TerminalError('CONFIG', 'give exactly one of workgroupName (Serverless) or clusterIdentifier (provisioned)');
    this.client = options.client ?? new this.sdk.RedshiftDataClient(awsClientConfig(options.env ?? process.env, 'REDSHIFT_DATA'));
    this.clock = options.clock ?? systemClock;
    this.target = Object.fromEntries(
      Object.entries({
        WorkgroupName: options.workgroupName,
        ClusterIdentifier: options.clusterIdentifier,
        Database: options.database,
        SecretArn: options.secretArn,
        DbUser: options.dbUser,
      }).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
  }

  async query(sql: string, parameters: SqlParameters = {}, options: WarehouseCallOptions = {}): Promise<QueryResult> {
    const Parameters = Object.entries(parameters).map(([name, value]) => ({ name, value }));
    const { Id } = await this.call(
      () =>
        this.client.send(new this.sdk.ExecuteStatementCommand({ ...this.target, Sql: sql, ...(Parameters.length ? { Parameters } : {}) })),
      options,
    );
    const done = await this.wait(String(Id), sql, options);
    if (!done.HasResultSet) return { columns: [], rows: [], rowCount: Math.max(0, done.ResultRows ?? 0) };
    return this.result(String(Id), options);
  }

  async transaction(statements: readonly string[], options: WarehouseCallOptions = {}): Promise<number[]> {
    if (statements.length === 0) return [];
    if (statements.length > DATA_API_MAX_BATCH_STATEMENTS)
      // "BatchExecuteStatement - Amazon Redshift Data API": Sqls holds at most 40 statements; said before any call.
      throw new TerminalError(
        'INTERNAL',
        `a Redshift Data API batch (one transaction) takes at most ${DATA_API_MAX_BATCH_STATEMENTS} statements, got ${statements.length}: split the plan\n  in: ${excerpt(statements.join(';\n'))}`,
      );
    const { Id } = await this.call(
      () => this.client.send(new this.sdk.BatchExecuteStatementCommand({ ...this.target, Sqls: [...statements] })),
      options,
    );
    const done = await this.wait(String(Id), statements.join(';\n'), options);
    return (done.SubStatements ?? []).map((s) => Math.max(0, s.ResultRows ?? 0));
  }

  copyStatement(load: CsvLoad): string {
    if (!load.stagingUri.startsWith('s3://'))
      throw new TerminalError('CONFIG', `Redshift loads staged files from s3:// only, got ${load.stagingUri}`);
    if (!this.options.iamRole) throw new TerminalError('CONFIG', 'loading staged files into Redshift needs an IAM role (--iam_role)');
    // COPY takes literals only, read with Redshift's backslash escapes: `NULL AS '\\N'` means `\N`.
    return [
      `COPY ${quoteQualified(load.table)} (${load.columns.map(quoteIdent).join(', ')})`,
      `FROM ${redshiftLiteral(load.stagingUri)}`,
      `IAM_ROLE ${redshiftLiteral(this.options.iamRole)}`,
      'FORMAT AS CSV',
      ...(load.gzip ? ['GZIP'] : []),
      ...(load.header ? ['IGNOREHEADER 1'] : []),
      `NULL AS ${redshiftLiteral(load.nullAs ?? '\\N')}`,
      "TIMEFORMAT 'auto'",
    ].join(' ');
  }

  async loadCsv(load: CsvLoad, options: WarehouseCallOptions = {}): Promise<number> {
    const sql = this.copyStatement(load);
    try {
      return (await this.query(sql, {}, options)).rowCount;
    } catch (error) {
      throw await this.withLoadErrors(error, load.stagingUri, options);
    }
  }

  /**
   * A failed COPY says only "Load into table … failed. Check 'sys_load_error_detail' …": the records
   * it refused (file, line, column, reason) are looked up there, by the staged files' prefix, and
   * added to the error. When they cannot be read (no access to the view), the error stays as it was.
   */
  private async withLoadErrors(error: unknown, stagingUri: string, options: WarehouseCallOptions): Promise<unknown> {
    if (!(error instanceof TerminalError) || !/sys_load_error_detail|stl_load_errors/.test(error.message)) return error;
    const prefix = `${stagingUri.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const found = await this.query(LOAD_ERRORS_SQL, { prefix }, options).catch(() => undefined);
    if (!found || found.rows.length === 0) return error;
    const records = found.rows.map(
      ([file, line, column, reason]) =>
        `  ${String(file)} line ${String(line)}${column ? `, column ${String(column)}` : ''}: ${String(reason)}`,
    );
    return new TerminalError(error.code, `${error.message}\n${records.join('\n')}`, {
      cause: error,
      ...(error.details ? { details: error.details } : {}),
    });
  }

  async close(): Promise<void> {
    if (!this.options.client) this.client.destroy();
  }

  /** Only throttling and 5xx are retried: a statement the service never accepted cannot run twice. */
  private call<T>(operation: () => Promise<T>, options: WarehouseCallOptions): Promise<T> {
    return retry(operation, {
      policy: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 15_000, ...this.options.retry },
      clock: this.clock,
      shouldRetry: isTransient,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  private async wait(id: string, sql: string, options: WarehouseCallOptions): Promise<DescribeStatementResponse> {
    let delay = this.options.pollMs ?? 50;
    for (;;) {
      if (options.signal?.aborted) {
        await this.client.send(new this.sdk.CancelStatementCommand({ Id: id })).catch(() => undefined);
        options.signal.throwIfAborted();
      }
      const status = await this.call(() => this.client.send(new this.sdk.DescribeStatementCommand({ Id: id })), options);
      if (FINAL.has(String(status.Status))) {
        if (status.Status === 'FINISHED') return status;
        throw new TerminalError(
          status.Status === 'ABORTED' ? 'ABORTED' : 'INTERNAL',
          `Redshift statement ${status.Status}: ${status.Error ?? 'no error given'}\n  in: ${excerpt(sql)}`,
          {
            details: { statementId: id },
          },
        );
      }
      await this.clock.sleep(delay, options.signal);
      delay = Math.min(this.options.maxPollMs ?? 2000, Math.ceil(delay * 1.1));
    }
  }

  private async result(id: string, options: WarehouseCallOptions): Promise<QueryResult> {
    const rows: SqlValue[][] = [];
    let columns: QueryResult['columns'] = [];
    let token: string | undefined;
    do {
      const page = await this.call(
        () => this.client.send(new this.sdk.GetStatementResultCommand({ Id: id, ...(token ? { NextToken: token } : {}) })),
        options,
      );
      if (columns.length === 0) columns = (page.ColumnMetadata ?? []).map((c) => ({ name: String(c.name), type: String(c.typeName) }));
      for (const record of page.Records ?? []) rows.push(record.map(fieldValue));
      token = page.NextToken;
    } while (token);
    return { columns, rows, rowCount: rows.length };
  }
}

function fieldValue(field: Field): SqlValue {
  if (field.isNull) return null;
  if (field.stringValue !== undefined) return field.stringValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue).toString('base64');
  return null;
}

function excerpt(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
