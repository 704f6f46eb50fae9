import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { splitQualified } from '@etl/sql';
import { copyFromS3 } from './copy-from-s3.js';
import { CopyLoadError } from './copy-rows.js';
import { changesTables, createLateBindingView, lateBindingView, rebindLateBindingViews } from './late-binding-views.js';
import { enforceRedshiftRules } from './redshift-rules.js';
import { translateStatement } from './redshift-sql.js';
import type { SqlBackend, SqlResult, SqlSession } from './sql-backend.js';

export type StatementStatus = 'SUBMITTED' | 'PICKED' | 'STARTED' | 'FINISHED' | 'ABORTED' | 'FAILED';

export interface SubStatement {
  id: string;
  sql: string;
  status: StatementStatus;
  error?: string;
  result?: SqlResult;
  resultRows: number;
  createdAt: Date;
  updatedAt: Date;
  durationNs: number;
}

export interface Statement {
  id: string;
  sqls: string[];
  isBatch: boolean;
  parameters: Array<{ name: string; value: string }>;
  status: StatementStatus;
  error?: string;
  createdAt: Date;
  updatedAt: Date;
  durationNs: number;
  subStatements: SubStatement[];
  /** Echoed back as the real service does. */
  target: Record<string, string>;
  statementName?: string;
  cancelRequested: boolean;
}

const KEEP_STATEMENTS = 10_000;

/**
 * Statements run one at a time, asynchronously, like the real Data API queue: a call returns an id at
 * once and the status moves SUBMITTED -> STARTED -> FINISHED / FAILED / ABORTED. A batch runs in ONE
 * transaction: the failing sub-statement is FAILED, the ones after it ABORTED, and nothing commits.
 */
export class StatementRunner {
  private readonly statements = new Map<string, Statement>();
  /** Query ids of failed loads, as `sys_load_error_detail.query_id`. */
  private loadQueries = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly backend: SqlBackend,
    private readonly s3: S3Client,
  ) {}

  submit(input: {
    sqls: string[];
    isBatch: boolean;
    parameters?: Array<{ name: string; value: string }>;
    target: Record<string, string>;
    statementName?: string;
  }): Statement {
    const now = new Date();
    const id = randomUUID();
    const statement: Statement = {
      id,
      sqls: input.sqls,
      isBatch: input.isBatch,
      parameters: input.parameters ?? [],
      status: 'SUBMITTED',
      createdAt: now,
      updatedAt: now,
      durationNs: 0,
      subStatements: input.sqls.map((sql, i) => ({
        id: `${id}:${i + 1}`,
        sql,
        status: 'SUBMITTED',
        resultRows: -1,
        createdAt: now,
        updatedAt: now,
        durationNs: 0,
      })),
      target: input.target,
      ...(input.statementName ? { statementName: input.statementName } : {}),
      cancelRequested: false,
    };
    this.statements.set(id, statement);
    this.forgetOld();
    this.queue = this.queue.then(() => this.execute(statement));
    return statement;
  }

  get(id: string): { statement: Statement; sub?: SubStatement } | undefined {
    const [baseId, subIndex] = id.split(':');
    const statement = this.statements.get(baseId ?? '');
    if (!statement) return undefined;
    if (subIndex === undefined) return { statement };
    const sub = statement.subStatements[Number(subIndex) - 1];
    return sub ? { statement, sub } : undefined;
  }

  list(): Statement[] {
    return [...this.statements.values()].reverse();
  }

  /** A submitted statement is aborted before it runs; a running one is rolled back when it ends. */
  cancel(id: string): boolean {
    const statement = this.statements.get(id);
    if (!statement || !['SUBMITTED', 'PICKED', 'STARTED'].includes(statement.status)) return false;
    statement.cancelRequested = true;
    return true;
  }

  /** Waits until every statement submitted so far has ended. */
  async drain(): Promise<void> {
    await this.queue;
  }

  private async execute(statement: Statement): Promise<void> {
    if (statement.cancelRequested) return this.finish(statement, 'ABORTED', 'statement was cancelled before it started');
    const started = process.hrtime.bigint();
    statement.status = 'STARTED';
    statement.updatedAt = new Date();
    let failedAt = -1;
    let error: string | undefined;
    let loadError: CopyLoadError | undefined;
    // A batch is one transaction block (Redshift's rules for what may not run in one apply).
    const inTransaction = statement.isBatch || statement.subStatements.length > 1;
    const run = async (session: SqlSession) => {
      for (const [i, sub] of statement.subStatements.entries()) {
        const subStarted = process.hrtime.bigint();
        sub.status = 'STARTED';
        try {
          sub.result = await this.runOne(session, sub.sql, statement.isBatch ? [] : statement.parameters, inTransaction);
          sub.resultRows = sub.result.rowCount;
          sub.status = 'FINISHED';
        } catch (caught) {
          failedAt = i;
          error = (caught as Error).message;
          if (caught instanceof CopyLoadError) {
            // Redshift's message names only the table; the record goes to its system view.
            loadError = caught;
            error = `Load into table '${caught.table}' failed. Check 'sys_load_error_detail' system table for details.`;
          }
          sub.status = 'FAILED';
          sub.error = error;
          throw caught;
        } finally {
          sub.durationNs = Number(process.hrtime.bigint() - subStarted);
          sub.updatedAt = new Date();
        }
        if (statement.cancelRequested) throw new Error('statement was cancelled');
      }
    };
    try {
      await (inTransaction || this.isCopy(statement) || this.changesSchema(statement) ? this.backend.transaction(run) : run(this.backend));
    } catch (caught) {
      error ??= (caught as Error).message;
    }
    // Outside the rolled-back transaction, as Redshift's system views keep a failed load's errors.
    if (loadError) await this.recordLoadError(loadError).catch(() => undefined);
    statement.durationNs = Number(process.hrtime.bigint() - started);
    if (failedAt >= 0) {
      // The ones before ran but were rolled back with the transaction; the ones after never ran.
      for (const sub of statement.subStatements.slice(failedAt + 1)) sub.status = 'ABORTED';
    }
    if (statement.cancelRequested) return this.finish(statement, 'ABORTED', 'statement was cancelled');
    return error === undefined ? this.finish(statement, 'FINISHED') : this.finish(statement, 'FAILED', error);
  }

  private isCopy(statement: Statement): boolean {
    return /^\s*copy\s/i.test(statement.sqls[0] ?? '');
  }

  /** DDL that late-binding views must follow: run with them in one transaction (their rebuild uses savepoints). */
  private changesSchema(statement: Statement): boolean {
    const sql = statement.sqls[0] ?? '';
    return changesTables(sql) || lateBindingView(sql) !== undefined || /^\s*drop\s+view\b/i.test(sql);
  }

  private async runOne(
    session: SqlSession,
    sql: string,
    parameters: Array<{ name: string; value: string }>,
    inTransaction: boolean,
  ): Promise<SqlResult> {
    await enforceRedshiftRules(session, sql, { inTransaction });
    const lateBinding = lateBindingView(sql);
    if (lateBinding) {
      await createLateBindingView(session, lateBinding);
      return { columns: [], rows: [], rowCount: 0 };
    }
    const dropped = /^\s*drop\s+view\s+(?:if\s+exists\s+)?(\S+)/i.exec(sql)?.[1];
    if (dropped)
      await session.query('DELETE FROM stand_in_late_binding_views WHERE to_regclass(name) = to_regclass($1)', [dropped.replace(/;$/, '')]);
    const translated = translateStatement(sql, parameters);
    if (translated.kind === 'copy') {
      try {
        const rows = await copyFromS3(translated.copy, session, this.s3);
        return { columns: [], rows: [], rowCount: rows };
      } catch (error) {
        // Redshift names the table in a load error as its folded name, without the schema.
        if (error instanceof CopyLoadError)
          error.table = (splitQualified(translated.copy.table).at(-1) ?? translated.copy.table).toLowerCase();
        throw error;
      }
    }
    const result = await session.query(translated.sql, translated.params);
    if (changesTables(sql)) await rebindLateBindingViews(session);
    return result;
  }

  private async recordLoadError(error: CopyLoadError): Promise<void> {
    this.loadQueries++;
    await this.backend.query(
      'INSERT INTO sys_load_error_detail (query_id, start_time, file_name, line_number, column_name, error_code, error_message) VALUES ($1, now(), $2, $3, $4, 1200, $5)',
      [
        String(this.loadQueries),
        error.file,
        error.line === undefined ? null : String(error.line),
        error.column ?? null,
        `${error.reason} (table ${error.table})`.slice(0, 512),
      ],
    );
  }

  private finish(statement: Statement, status: StatementStatus, error?: string): void {
    statement.status = status;
    if (error !== undefined) statement.error = error;
    statement.updatedAt = new Date();
  }

  private forgetOld(): void {
    while (this.statements.size > KEEP_STATEMENTS) {
      const oldest = this.statements.keys().next().value;
      if (oldest === undefined) break;
      this.statements.delete(oldest);
    }
  }
}
