import type { SqlSession } from './sql-backend.js';

/**
 * A record a COPY could not load: the object, its line, the column when known, and why. The stand-in
 * records it in `sys_load_error_detail` and fails the statement with Redshift's own message, which
 * names only the table, so clients look the detail up as they must on Redshift.
 */
export class CopyLoadError extends Error {
  override readonly name = 'CopyLoadError';
  /** The COPY's target table, as Redshift's message names it (set by the statement runner). */
  table = '';

  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
    readonly column?: string,
  ) {
    super(`${file}${line === undefined ? '' : ` line ${line}`}${column ? `, column ${column}` : ''}: ${reason}`);
  }
}

/** A column of the COPY target: its name and PostgreSQL type OID. */
export interface CopyColumn {
  name: string;
  typeOid: number;
}

/** PostgreSQL takes at most 65535 parameters per statement. */
export const MAX_PARAMS = 60_000;

/**
 * One multi-row INSERT; when it fails, the rows are retried one by one to name the failing line, and
 * that row's values cast alone to name its column (an INSERT's error does not, COPY's does).
 */
export async function insertBatch(
  session: SqlSession,
  head: string,
  columns: readonly CopyColumn[],
  batch: ReadonlyArray<{ values: Array<string | null>; line: number }>,
  where: string,
): Promise<void> {
  const width = columns.length;
  await session.query('SAVEPOINT copy_batch');
  try {
    await session.query(
      head + rowsPlaceholders(batch.length, width),
      batch.flatMap((r) => r.values),
    );
    await session.query('RELEASE SAVEPOINT copy_batch');
    return;
  } catch {
    await session.query('ROLLBACK TO SAVEPOINT copy_batch');
  }
  for (const row of batch) {
    try {
      await session.query(head + rowsPlaceholders(1, width), row.values);
    } catch (error) {
      await session.query('ROLLBACK TO SAVEPOINT copy_batch');
      throw new CopyLoadError(where, row.line, (error as Error).message, await refusingColumn(session, columns, row.values));
    }
  }
}

/** The first column whose type refuses the row's value cast alone; none when each casts (a length, a constraint). */
async function refusingColumn(
  session: SqlSession,
  columns: readonly CopyColumn[],
  values: ReadonlyArray<string | null>,
): Promise<string | undefined> {
  for (const [i, column] of columns.entries()) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    const type = (await session.query('SELECT format_type($1::oid, NULL)', [String(column.typeOid)])).rows[0]?.[0];
    if (!type) continue;
    await session.query('SAVEPOINT copy_probe');
    try {
      await session.query(`SELECT CAST($1::text AS ${type})`, [value]);
      await session.query('RELEASE SAVEPOINT copy_probe');
    } catch {
      await session.query('ROLLBACK TO SAVEPOINT copy_probe');
      return column.name;
    }
  }
  return undefined;
}

function rowsPlaceholders(rows: number, width: number): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) out.push(`(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`);
  return out.join(', ');
}
