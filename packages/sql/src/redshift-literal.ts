import { nulInLiteral } from './quote.js';

/**
 * Redshift's string literals. Redshift kept PostgreSQL 8.0's rules, where a backslash in a literal
 * starts an escape: `'\t'` is a tab and `'\\N'` is the two characters `\N` (the spelling Redshift
 * loaders write for COPY's `NULL AS`). PostgreSQL today reads backslashes as plain characters, so one
 * SQL text cannot hold a backslash that both engines read alike: `portableLiteral` builds an
 * expression instead, and these are for the places that take a literal only (COPY's `FROM`,
 * `IAM_ROLE`, `NULL AS`), written for Redshift and read the same way by the local stand-in.
 */

/** `value` as a Redshift literal: backslashes and quotes doubled. */
export function redshiftLiteral(value: string): string {
  if (value.includes('\u0000')) throw nulInLiteral(value);
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** A Redshift literal (with its quotes) inside SQL text: `''` and backslash escapes included. */
export const REDSHIFT_LITERAL_SOURCE = String.raw`'(?:[^'\\]|''|\\[\s\S])*'`;

const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * The value of a Redshift literal (`'…'`, quotes included): `''` and `\'` are a quote, `\\` a
 * backslash, `\b \f \n \r \t` and octal `\ooo` the characters PostgreSQL 8.0 made of them, and any
 * other escaped character stands for itself (`\N` is `N`).
 */
export function redshiftLiteralValue(literal: string): string {
  if (!new RegExp(`^${REDSHIFT_LITERAL_SOURCE}$`).test(literal)) throw new Error(`not a string literal: ${literal}`);
  return literal.slice(1, -1).replace(/''|\\([0-7]{1,3}|[\s\S])/g, (match, escaped: string | undefined) => {
    if (escaped === undefined) return "'";
    if (/^[0-7]+$/.test(escaped)) return String.fromCharCode(parseInt(escaped, 8) & 0xff);
    return SIMPLE_ESCAPES[escaped] ?? escaped;
  });
}
