import { isAscii } from 'node:buffer';
import { quoteIdent } from '@etl/sql';
import type { CopyColumn } from './copy-rows.js';
import type { SqlSession } from './sql-backend.js';

/**
 * "Character types - Amazon Redshift": a VARCHAR(n) holds n bytes of UTF-8, not n characters as on
 * PostgreSQL, so a multi-byte value can fit the stand-in's column and not Redshift's; Redshift's COPY
 * fails such a record ("Load error reference": 1204, input data exceeded the acceptable range for the
 * data type). The stand-in's COPY refuses it too. Per column of the COPY target, in its order: n for a
 * VARCHAR(n), else undefined.
 */
export async function varcharBytes(session: SqlSession, table: string, columns: readonly CopyColumn[]): Promise<Array<number | undefined>> {
  const found = await session.query(
    'SELECT a.attname, a.atttypmod - 4 FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = 1043 AND a.atttypmod > 4',
    [table],
  );
  const lengths = new Map(found.rows.map(([name, bytes]) => [String(name), Number(bytes)]));
  return columns.map((c) => lengths.get(c.name));
}

/**
 * Why Redshift's COPY refuses `value` for a column (a VARCHAR(`bytes`) one, or another when `bytes` is
 * undefined), or undefined when it takes it. Besides the length: NUL (U+0000) fails a COPY unless
 * `NULL AS '\0'` loads a field of NUL alone as NULL ("Preparing your input data"; "Load error
 * reference" 1218: a field holding NUL and more fails still); such a field is NULL by the time it is
 * asked about here. Refused in the record's own words, naming its column on either engine (PostgreSQL
 * refuses NUL too, before it knows the column).
 */
export function textRefusal(value: string | null, bytes: number | undefined): string | undefined {
  if (value === null) return undefined;
  if (value.includes('\0')) return 'invalid byte sequence for encoding "UTF8": 0x00 (Redshift\'s COPY refuses NUL)';
  // A UTF-16 unit is at most 3 bytes of UTF-8: most values fit without being measured.
  if (bytes === undefined || value.length * 3 <= bytes) return undefined;
  const length = Buffer.byteLength(value, 'utf8');
  return length > bytes
    ? `value too long for type character varying(${bytes}): ${length} bytes in UTF-8 (a Redshift VARCHAR length counts bytes)`
    : undefined;
}

/**
 * Whether `table` holds a value longer in bytes than its VARCHAR column: asked after PostgreSQL's own
 * CSV reader loaded a file holding non-ASCII text (`watchAscii`), which checked characters only.
 */
export async function holdsOverlongText(
  session: SqlSession,
  table: string,
  columns: readonly CopyColumn[],
  bytes: ReadonlyArray<number | undefined>,
): Promise<boolean> {
  const checks = columns.flatMap((c, i) => (bytes[i] === undefined ? [] : [`octet_length(${quoteIdent(c.name)}) > ${bytes[i]}`]));
  if (checks.length === 0) return false;
  return (await session.query(`SELECT 1 FROM ${table} WHERE ${checks.join(' OR ')} LIMIT 1`)).rows.length > 0;
}

/** The chunks as they are, noting in `seen` whether any byte was outside ASCII (characters and bytes then differ). */
export async function* watchAscii(chunks: AsyncIterable<Uint8Array>, seen: { ascii: boolean }): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    if (seen.ascii && !isAscii(chunk)) seen.ascii = false;
    yield chunk;
  }
}
