/**
 * What Amazon Redshift refuses that PostgreSQL accepts, as pure checks over SQL text: the Data API
 * stand-in and the embedded warehouse run them before a statement, so a plan that would fail on its
 * first real run fails in tests first. Each rule names the AWS page it comes from; where that page
 * gives no error text, the message is ours and says so in tools/local-aws/README.md.
 */

/** "BatchExecuteStatement - Amazon Redshift Data API": `Sqls` holds 1 to 40 statements. */
export const DATA_API_MAX_BATCH_STATEMENTS = 40;
/** "Using the Amazon Redshift Data API" (considerations): "The maximum query statement size is 100 KB". */
export const DATA_API_MAX_STATEMENT_BYTES = 100_000;
/** "Data types" / "Character types": TEXT, and VARCHAR without a length, are VARCHAR(256). */
export const REDSHIFT_DEFAULT_VARCHAR = 256;

export type RedshiftRule =
  | 'batch-statements'
  | 'statement-size'
  | 'alter-column-type'
  | 'alter-column-in-transaction'
  | 'on-conflict'
  | 'returning'
  | 'serial'
  | 'create-table-like'
  | 'catalog';

export interface RedshiftRefusal {
  rule: RedshiftRule;
  /** The error as Redshift (or the Data API) words it, where documented. */
  message: string;
}

/** A VARCHAR resize Redshift may accept; the caller checks the column is VARCHAR now (needs the catalog). */
export interface AlterColumnType {
  table: string;
  column: string;
  /** The new type as written, upper case (`VARCHAR(300)`). */
  type: string;
}

/** SQL with string literals emptied and comments blanked: keywords inside values never match a rule. */
export function sqlCode(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\//g, (part) => (part.startsWith("'") ? "''" : ' '));
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[\w$]+)`;
const QUALIFIED = `${IDENT}(?:\\.${IDENT})?`;
const ALTER_TYPE = new RegExp(
  String.raw`^\s*alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?(${QUALIFIED})\s+alter\s+(?:column\s+)?(${IDENT})\s+(?:set\s+data\s+)?type\s+([\s\S]+?)\s*;?\s*$`,
  'i',
);

/** `ALTER TABLE t ALTER COLUMN c TYPE x`, parsed; undefined for any other statement. */
export function alterColumnType(sql: string): AlterColumnType | undefined {
  const m = ALTER_TYPE.exec(sqlCode(sql));
  if (!m) return undefined;
  return { table: m[1] as string, column: m[2] as string, type: (m[3] as string).replace(/\s+/g, ' ').toUpperCase() };
}

/** Limits of one Data API call: batch size and statement size ("Using the Amazon Redshift Data API"). */
export function dataApiRefusals(sqls: readonly string[]): RedshiftRefusal[] {
  const refusals: RedshiftRefusal[] = [];
  if (sqls.length > DATA_API_MAX_BATCH_STATEMENTS)
    refusals.push({
      rule: 'batch-statements',
      // "BatchExecuteStatement - Amazon Redshift Data API" (Sqls: maximum 40 items); the wording is ours.
      message: `1 validation error detected: Value at 'sqls' failed to satisfy constraint: Member must have length less than or equal to ${DATA_API_MAX_BATCH_STATEMENTS} (got ${sqls.length} statements)`,
    });
  for (const sql of sqls)
    if (Buffer.byteLength(sql, 'utf8') > DATA_API_MAX_STATEMENT_BYTES)
      refusals.push({ rule: 'statement-size', message: 'Cannot process query string larger than 100kB' });
  return refusals;
}

/**
 * Statement shapes Redshift refuses whatever the catalog holds. `inTransaction`: the statement runs
 * inside a transaction block (a Data API batch is one).
 */
export function statementRefusals(sql: string, options: { inTransaction: boolean }): RedshiftRefusal[] {
  const code = sqlCode(sql);
  const refusals: RedshiftRefusal[] = [];
  const alter = alterColumnType(sql);
  if (alter) {
    // "ALTER TABLE - Amazon Redshift": ALTER COLUMN … TYPE "changes the size of a column defined as a
    // VARCHAR data type"; "You can't alter columns within a transaction block (BEGIN ... END)".
    if (!/^(VARCHAR|CHARACTER VARYING|NVARCHAR)\s*\(\s*(\d+|MAX)\s*\)$/.test(alter.type))
      refusals.push({
        rule: 'alter-column-type',
        message: `ALTER TABLE ALTER COLUMN TYPE changes only the size of a VARCHAR column, not to ${alter.type} (column ${alter.column})`,
      });
    if (options.inTransaction)
      refusals.push({ rule: 'alter-column-in-transaction', message: 'ALTER TABLE ALTER COLUMN cannot run inside a transaction block' });
  }
  // "INSERT - Amazon Redshift" has no ON CONFLICT or RETURNING ("Unsupported PostgreSQL features":
  // do not assume shared semantics); Redshift's parser stops at the keyword.
  if (/^\s*insert\b/i.test(code) && /\bon\s+conflict\b/i.test(code))
    refusals.push({ rule: 'on-conflict', message: 'syntax error at or near "ON"' });
  if (/^\s*(insert|update|delete)\b/i.test(code) && /\breturning\b/i.test(code))
    refusals.push({ rule: 'returning', message: 'syntax error at or near "RETURNING"' });
  if (/^\s*(create\s+(temp(orary)?\s+)?table|alter\s+table)\b/i.test(code)) {
    // "Unsupported PostgreSQL data types": SERIAL, BIGSERIAL, SMALLSERIAL.
    const serial = /(?:^|[\s(,])([^\s(,]+)\s+(small|big)?serial\b/i.exec(code);
    if (serial) refusals.push({ rule: 'serial', message: `Column "${serial[1]}" has unsupported type "${(serial[2] ?? '') + 'serial'}"` });
    // "CREATE TABLE - Amazon Redshift": LIKE parent_table [ { INCLUDING | EXCLUDING } DEFAULTS ] only.
    const including = /\blike\s+\S+\s+(including|excluding)\s+(?!defaults\b)(\w+)/i.exec(code);
    if (including)
      refusals.push({
        rule: 'create-table-like',
        message: `syntax error at or near "${(including[2] as string).toUpperCase()}": CREATE TABLE … (LIKE …) takes only INCLUDING or EXCLUDING DEFAULTS`,
      });
  }
  // Not confirmed from a documentation page (see tools/local-aws/README.md): Redshift documents its
  // view dependencies through pg_depend (AWS's admin view v_view_dependency); late-binding views
  // never appear in information_schema.view_table_usage. Refused so the planner stays on pg_depend.
  if (/\binformation_schema\s*\.\s*view_table_usage\b/i.test(code))
    refusals.push({ rule: 'catalog', message: 'relation "information_schema.view_table_usage" does not exist' });
  return refusals;
}

const DDL_COLUMNS = /^\s*(create\s+(temp(orary)?\s+)?table\b(?![\s\S]*\bas\s*\(?\s*select\b)|alter\s+table\s+\S+\s+add\s+(column\s+)?)/i;

/**
 * DDL as Redshift stores it: a TEXT column, or a VARCHAR without a length, is VARCHAR(256) ("Data
 * types - Amazon Redshift", character types); a longer value then fails to load, as it would there.
 * Only column definitions change (CREATE TABLE, ALTER TABLE … ADD COLUMN); casts and views keep theirs.
 */
export function redshiftColumnTypes(sql: string): string {
  if (!DDL_COLUMNS.test(sqlCode(sql))) return sql;
  const parts = sql.split(/('(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\/)/);
  return parts
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(/((?:"(?:[^"]|"")+"|[\w$]+)\s+)(text|varchar|character\s+varying)\b(?!\s*\()/gi, (match: string, column: string) =>
            // `ADD COLUMN text …`, `TABLE text`: the word before is a keyword, so `text` is a name here.
            /^(column|add|table|exists)\s+$/i.test(column) ? match : `${column}VARCHAR(${REDSHIFT_DEFAULT_VARCHAR})`,
          ),
    )
    .join('');
}
