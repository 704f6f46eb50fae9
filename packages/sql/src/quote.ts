/** A double-quoted identifier: any name (quotes, semicolons, keywords, non-ASCII) becomes safe. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('an identifier cannot contain NUL');
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
      if (end === -1) throw new Error(`unterminated quoted name in: ${qualified}`);
      part = qualified.slice(i + 1, end).replace(/""/g, '"');
      i = end + 1;
    } else {
      const dot = qualified.indexOf('.', i);
      part = qualified.slice(i, dot === -1 ? undefined : dot).trim();
      i = dot === -1 ? qualified.length : dot;
      if (part === '' || part.includes('"')) throw new Error(`not a table name: ${qualified}`);
    }
    parts.push(part);
    if (i >= qualified.length) break;
    if (qualified[i] !== '.') throw new Error(`not a table name: ${qualified}`);
    i++;
  }
  if (parts.length > 3) throw new Error(`not a table name: ${qualified}`);
  return parts;
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
  if (value.includes('\u0000')) throw new Error('a string literal cannot contain NUL');
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A string expression that reads the same on Redshift, whose literals take a backslash as an escape,
 * and on PostgreSQL, whose do not: each backslash is joined in as `CHR(92)` (both have it).
 */
export function portableLiteral(value: string): string {
  return value.split('\\').map(quoteLiteral).join(' || CHR(92) || ');
}
