import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { CsvParser } from '@etl/csv';
import { copyErrorContext, quoteIdent, quoteLiteral } from '@etl/sql';
import { CopyLoadError, insertBatch, MAX_PARAMS, type CopyColumn } from './copy-rows.js';
import type { CopyCommand } from './redshift-sql.js';
import type { SqlSession } from './sql-backend.js';
import { holdsOverlongText, textRefusal, varcharBytes, watchAscii } from './copy-text-rules.js';

const TEXT_OIDS = new Set([19, 25, 1042, 1043]);

/** One CSV record as the table will take it: values after Redshift's null rules, and its source line. */
interface CopyRecord {
  values: Array<string | null>;
  line: number;
}

/**
 * Loads one CSV object with Redshift's COPY semantics (IGNOREHEADER, DELIMITER, QUOTE, NULL AS,
 * EMPTYASNULL, BLANKSASNULL; empty non-text fields are NULL). On a PostgreSQL server the rows stream
 * through `COPY … FROM STDIN` (bulk, as Redshift's COPY is); on PGlite, multi-row INSERTs. Either way a
 * bad value fails the COPY naming the object and the record's source line, a VARCHAR(n) value over n
 * bytes in UTF-8 and NUL included (`copy-text-rules.ts`: Redshift counts bytes, PostgreSQL characters).
 */
export async function loadCsv(
  copy: CopyCommand,
  session: SqlSession,
  open: () => Promise<Readable>,
  uri: string,
  columns: readonly CopyColumn[],
): Promise<number> {
  const names = columns.map((c) => quoteIdent(c.name)).join(', ');
  const direct = directCopySql(copy, names, columns.length);
  const bytes = await varcharBytes(session, copy.table, columns);
  if (session.copyIn && direct) {
    // PostgreSQL's own CSV reader (C, ~3x the record path below) for files it reads exactly as
    // Redshift's rules would; anything it refuses is rolled back and read again record by record,
    // so what loads and which line an error names do not depend on this path. It checks VARCHAR
    // lengths in characters: a file with non-ASCII text that left a value too long in bytes is read
    // again too.
    await session.query('SAVEPOINT stand_in_copy');
    try {
      const seen = { ascii: true };
      const loaded = await session.copyIn(direct, watchAscii(withoutBom(await open()), seen));
      if (!seen.ascii && (await holdsOverlongText(session, copy.table, columns, bytes))) throw new Error('a value too long in bytes');
      await session.query('RELEASE SAVEPOINT stand_in_copy');
      return loaded;
    } catch {
      await session.query('ROLLBACK TO SAVEPOINT stand_in_copy');
    }
  }
  const records = csvRecords(copy, await open(), uri, columns, bytes);
  if (session.copyIn) return copyIn(session.copyIn, `COPY ${copy.table} (${names}) FROM STDIN`, records, uri);

  const head = `INSERT INTO ${copy.table} (${names}) VALUES `;
  const batchRows = Math.max(1, Math.floor(MAX_PARAMS / Math.max(1, columns.length)));
  let batch: CopyRecord[] = [];
  let loaded = 0;
  for await (const record of records) {
    batch.push(record);
    if (batch.length < batchRows) continue;
    await insertBatch(session, head, columns, batch, uri);
    loaded += batch.length;
    batch = [];
  }
  if (batch.length > 0) await insertBatch(session, head, columns, batch, uri);
  return loaded + batch.length;
}

/**
 * `COPY … FROM STDIN (FORMAT csv …)` when PostgreSQL's CSV rules give what Redshift's give for this
 * COPY, else undefined. They agree when a null marker other than empty is named (an empty unquoted
 * field is then '' in text columns, and PostgreSQL refuses it in others, where Redshift would load
 * NULL: the record path takes over), without EMPTYASNULL/BLANKSASNULL, with at most one header line
 * and at least two columns (a blank line is then an error, never a row).
 */
function directCopySql(copy: CopyCommand, names: string, columns: number): string | undefined {
  if (copy.nullAs === undefined || copy.nullAs === '' || copy.emptyAsNull || copy.blanksAsNull || copy.ignoreHeader > 1 || columns < 2)
    return undefined;
  return `COPY ${copy.table} (${names}) FROM STDIN WITH (FORMAT csv, DELIMITER ${quoteLiteral(copy.delimiter)}, QUOTE ${quoteLiteral(copy.quote)}, NULL ${quoteLiteral(copy.nullAs)}, HEADER ${copy.ignoreHeader === 1})`;
}

/** The bytes of a body without a leading UTF-8 byte order mark (Redshift skips it; PostgreSQL would not). */
async function* withoutBom(body: Readable): AsyncGenerator<Uint8Array> {
  let first = true;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (first && chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) yield chunk.subarray(3);
    else yield chunk;
    first = false;
  }
}

/** Streams records as PostgreSQL text-format lines; a failing line is named by its source line. */
async function copyIn(
  run: NonNullable<SqlSession['copyIn']>,
  sql: string,
  records: AsyncIterable<CopyRecord>,
  uri: string,
): Promise<number> {
  // COPY reports the failing data line; one line per record, so data line n is the n-th record's.
  const sourceLines: number[] = [];
  async function* lines(): AsyncGenerator<string> {
    let text = '';
    for await (const record of records) {
      sourceLines.push(record.line);
      text += `${record.values.map(copyText).join('\t')}\n`;
      if (text.length >= 64 * 1024) {
        yield text;
        text = '';
      }
    }
    if (text) yield text;
  }
  try {
    return await run(sql, lines());
  } catch (error) {
    if (error instanceof CopyLoadError) throw error;
    const at = copyErrorContext(error);
    throw new CopyLoadError(uri, at.line === undefined ? undefined : sourceLines[at.line - 1], (error as Error).message, at.column);
  }
}

/** A value in COPY's text format: `\N` for null, backslash escapes for the separators. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : value;
}

async function* csvRecords(
  copy: CopyCommand,
  body: Readable,
  uri: string,
  columns: readonly CopyColumn[],
  bytes: ReadonlyArray<number | undefined>,
): AsyncGenerator<CopyRecord> {
  const parser = new CsvParser({ delimiter: copy.delimiter, quote: copy.quote, skipLines: copy.ignoreHeader, file: uri });
  const decoder = new StringDecoder('utf8');
  let pending: CopyRecord[] = [];
  let failure: Error | undefined;
  const onRecord = (fields: string[], line: number) => {
    if (failure) return;
    if (fields.length !== columns.length) {
      failure = new CopyLoadError(
        uri,
        line,
        `${fields.length} fields, the table has ${columns.length} columns (${columns.map((c) => c.name).join(', ')})`,
      );
      return;
    }
    const values = fields.map((value, i) => sqlValue(value, columns[i]?.typeOid ?? 25, copy));
    for (const [i, value] of values.entries()) {
      const refusal = textRefusal(value, bytes[i]);
      if (refusal) return void (failure = new CopyLoadError(uri, line, refusal, columns[i]?.name));
    }
    pending.push({ values, line });
  };
  const onReject = (error: Error) => {
    // A parser's RecordError names file and line in its message: take its bare reason.
    failure ??= new CopyLoadError(uri, (error as { line?: number }).line, (error as { reason?: string }).reason ?? error.message);
  };
  let first = true;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    let text = decoder.write(chunk);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    parser.push(text, onRecord, onReject);
    if (failure) throw failure;
    yield* pending;
    pending = [];
  }
  parser.push(decoder.end(), onRecord, onReject);
  parser.end(onRecord, onReject);
  if (failure) throw failure;
  yield* pending;
}

function sqlValue(value: string, typeOid: number, copy: CopyCommand): string | null {
  if (copy.nullAs !== undefined && value === copy.nullAs) return null;
  if (value === '' && (copy.emptyAsNull || !TEXT_OIDS.has(typeOid))) return null;
  if (copy.blanksAsNull && value.trim() === '') return null;
  return value;
}
