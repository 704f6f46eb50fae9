import { TerminalError } from '@etl/core';

/** A double-quoted identifier: any name (quotes, semicolons, keywords, non-ASCII) becomes safe. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000'))
    throw new TerminalError('BAD_ARGUMENT', `the name ${JSON.stringify(name)} contains NUL (\\u0000), which no SQL name can: remove it`);
  return `"${name.replace(/"/g, '""')}"`;
}

/** `schema.table` with each part quoted. Parts are split on the first unquoted dot. */
export function quoteQualified(qualified: string): string {
  const parts = splitQualified(qualified);
  return parts.map(quoteIdent).join('.');
}

/** `schema.table` / `"my schema"."My Table"` / `table` -> its unquoted parts (at most 3). */
export function splitQualified(qualified: string): string[] {
  const parts: string[] = [];
  let i = 0;
  for (;;) {
    let part = '';
    if (qualified[i] === '"') {
      const end = findClosingQuote(qualified, i + 1);
      if (end === -1) throw new TerminalError('BAD_ARGUMENT', `unterminated quoted name in ${qualified}: close its double quote`);
      part = qualified.slice(i + 1, end).replace(/""/g, '"');
      i = end + 1;
    } else {
      const dot = qualified.indexOf('.', i);
      part = qualified.slice(i, dot === -1 ? undefined : dot).trim();
      i = dot === -1 ? qualified.length : dot;
      if (part === '' || part.includes('"')) throw notATableName(qualified);
    }
    parts.push(part);
    if (i >= qualified.length) break;
    if (qualified[i] !== '.') throw notATableName(qualified);
    i++;
  }
  if (parts.length > 3) throw notATableName(qualified);
  return parts;
}

/** Table names come from arguments and config: say how to write one. */
function notATableName(qualified: string): TerminalError {
  return new TerminalError(
    'BAD_ARGUMENT',
    `not a table name: ${qualified}; write table, schema.table or database.schema.table, double-quoting a part that holds dots or quotes`,
  );
}

function findClosingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] !== '"') continue;
    if (text[i + 1] === '"') i++;
    else return i;
  }
  return -1;
}

/** A single-quoted string literal (standard_conforming_strings: backslashes are plain characters). */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw nulInLiteral(value);
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A string expression that reads the same on Redshift, whose literals take a backslash as an escape,
 * and on PostgreSQL, whose do not: each backslash is joined in as `CHR(92)` (both have it).
 */
export function portableLiteral(value: string): string {
  // Checked here too, so the error names the whole value rather than the piece between backslashes.
  if (value.includes('\u0000')) throw nulInLiteral(value);
  return value.split('\\').map(quoteLiteral).join(' || CHR(92) || ');
}

/** NUL ends a string in PostgreSQL and Redshift: a value with one cannot be written as SQL at all. */
export function nulInLiteral(value: string): TerminalError {
  return new TerminalError('BAD_ARGUMENT', `the value ${JSON.stringify(value)} contains NUL (\\u0000), which no SQL string can: remove it`);
}
