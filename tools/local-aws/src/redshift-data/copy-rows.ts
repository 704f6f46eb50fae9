import type { SqlSession } from './sql-backend.js';

/** A COPY failure, naming the object and line as Redshift's stl_load_errors would. */
export class CopyLoadError extends Error {
  override readonly name = 'CopyLoadError';
}

/** A column of the COPY target: its name and PostgreSQL type OID. */
export interface CopyColumn {
  name: string;
  typeOid: number;
}

/** PostgreSQL takes at most 65535 parameters per statement. */
export const MAX_PARAMS = 60_000;

/** One multi-row INSERT; when it fails, the rows are retried one by one to name the failing line. */
export async function insertBatch(session: SqlSession, head: string, width: number, batch: ReadonlyArray<{ values: Array<string | null>; line: number }>, where: string): Promise<void> {
  await session.query('SAVEPOINT copy_batch');
  try {
    await session.query(head + rowsPlaceholders(batch.length, width), batch.flatMap((r) => r.values));
    await session.query('RELEASE SAVEPOINT copy_batch');
    return;
  } catch {
    await session.query('ROLLBACK TO SAVEPOINT copy_batch');
  }
  for (const row of batch) {
    try {
      await session.query(head + rowsPlaceholders(1, width), row.values);
    } catch (error) {
      throw new CopyLoadError(`${where} line ${row.line}: ${(error as Error).message}`);
    }
  }
}

function rowsPlaceholders(rows: number, width: number): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) out.push(`(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`);
  return out.join(', ');
}
