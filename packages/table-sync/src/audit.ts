import { portableLiteral, quoteIdent, quoteQualified, splitQualified } from '@etl/sql';

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

/** What a successful load's audit row knows before its merge runs; the merge's own statement counts the rest. */
export type MergeAuditRow = Pick<AuditRow, 'runId' | 'jobId' | 'start' | 'sourceFile' | 'targetTable' | 'read' | 'rejected'>;

/**
 * The SUCCESS audit row as a statement of the merge's own transaction, so a loaded file always has
 * it and a failed merge never does (a kill between a merge and a separate INSERT left a loaded file
 * without its row). Run after the dedupe and before the delete: staged rows whose keys the target
 * holds are the ones the merge replaces, the others it inserts. Literals only (a Data API batch
 * takes no parameters), each through `portableLiteral`; the end time is `GETDATE()` (Redshift's;
 * the stand-in and the embedded warehouse define it).
 */
export function auditMergeInsert(
  table: string,
  row: MergeAuditRow,
  merge: { target: string; staging: string; keys: readonly string[] },
): string {
  const ts = (d: Date) => portableLiteral(d.toISOString().replace('T', ' ').replace('Z', ''));
  const target = quoteQualified(merge.target);
  const staging = quoteQualified(merge.staging);
  const keys = merge.keys.map(quoteIdent);
  const matched = `COUNT(t.${keys[0] ?? '""'})`;
  return [
    `INSERT INTO ${quoteQualified(table)} (run_id, job_id, run_start_ts, run_end_ts, source_filename, target_table_name, records_read, records_updated, records_inserted, records_rejected, status, error_message)`,
    `SELECT ${portableLiteral(row.runId)}, ${portableLiteral(row.jobId)}, CAST(${ts(row.start)} AS TIMESTAMP), GETDATE(), ${portableLiteral(row.sourceFile)}, ${portableLiteral(row.targetTable)},`,
    `CAST(${row.read} AS BIGINT), ${matched}, COUNT(*) - ${matched}, CAST(${row.rejected} AS BIGINT), 'SUCCESS', NULL`,
    `FROM ${staging} s LEFT JOIN ${target} t ON ${keys.map((k) => `t.${k} = s.${k}`).join(' AND ')}`,
  ].join(' ');
}

/** Whether the audit table exists in `:schema`. */
export const AUDIT_EXISTS_SQL = "SELECT table_name FROM information_schema.tables WHERE table_schema = :schema AND table_name = 'job_sts'";

/**
 * A SUCCESS row for `:source` from a load that started at or after `:modified` (the file's last
 * change): that load read this very content, so the file is loaded already (a run killed after its
 * merge committed, before it archived the file).
 */
export function auditLoadedSql(table: string): string {
  return `SELECT run_id FROM ${quoteQualified(table)} WHERE source_filename = :source AND status = 'SUCCESS' AND run_start_ts >= CAST(:modified AS TIMESTAMP) ORDER BY run_start_ts DESC LIMIT 1`;
}
