import { quoteQualified, splitQualified } from '@etl/sql';

/** One run of one source file, as seed 003's JOB_STS table records it. */
export interface AuditRow {
  runId: string;
  jobId: string;
  start: Date;
  end: Date;
  sourceFile: string;
  targetTable: string;
  read: number;
  updated: number;
  inserted: number;
  rejected: number;
  status: 'SUCCESS' | 'FAILED';
  error?: string;
}

/** The audit table lives in the target table's schema. */
export function auditTable(targetTable: string): string {
  const parts = splitQualified(targetTable);
  return parts.length > 1 ? `${parts[0]}.job_sts` : 'job_sts';
}

export function auditTableDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoteQualified(table)} (run_id VARCHAR(64) NOT NULL, job_id VARCHAR(256), run_start_ts TIMESTAMP, run_end_ts TIMESTAMP, source_filename VARCHAR(1024), target_table_name VARCHAR(256), records_read BIGINT, records_updated BIGINT, records_inserted BIGINT, records_rejected BIGINT, status VARCHAR(16), error_message VARCHAR(4096))`;
}

/** The INSERT with every value bound as a parameter (file names and errors come from outside). */
export function auditInsert(table: string, row: AuditRow): { sql: string; parameters: Record<string, string> } {
  const ts = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
  return {
    sql: `INSERT INTO ${quoteQualified(table)} (run_id, job_id, run_start_ts, run_end_ts, source_filename, target_table_name, records_read, records_updated, records_inserted, records_rejected, status, error_message) VALUES (:run_id, :job_id, CAST(:start AS TIMESTAMP), CAST(:end AS TIMESTAMP), :source, :target, CAST(:read AS BIGINT), CAST(:updated AS BIGINT), CAST(:inserted AS BIGINT), CAST(:rejected AS BIGINT), :status, NULLIF(:error, ''))`,
    parameters: {
      run_id: row.runId,
      job_id: row.jobId,
      start: ts(row.start),
      end: ts(row.end),
      source: row.sourceFile,
      target: row.targetTable,
      read: String(row.read),
      updated: String(row.updated),
      inserted: String(row.inserted),
      rejected: String(row.rejected),
      status: row.status,
      error: (row.error ?? '').slice(0, 4000),
    },
  };
}
