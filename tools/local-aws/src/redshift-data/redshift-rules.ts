import { alterColumnType, splitQualified, statementRefusals, type RedshiftRefusal } from '@etl/sql';
import type { SqlSession } from './sql-backend.js';

/** A statement Redshift would refuse: fails the statement with Redshift's wording (`@etl/sql` rulebook). */
export class RedshiftRuleError extends Error {
  override readonly name = 'RedshiftRuleError';
  constructor(readonly refusal: RedshiftRefusal) {
    super(refusal.message);
  }
}

/**
 * The rulebook for one statement before it runs: the pure rules (`statementRefusals`), then what needs
 * the catalog. "ALTER TABLE - Amazon Redshift": ALTER COLUMN TYPE changes the size of a VARCHAR column
 * (so the column must be VARCHAR now), and "You can't alter columns with default values".
 */
export async function enforceRedshiftRules(session: SqlSession, sql: string, options: { inTransaction: boolean }): Promise<void> {
  const [refusal] = statementRefusals(sql, options);
  if (refusal) throw new RedshiftRuleError(refusal);
  const alter = alterColumnType(sql);
  if (!alter) return;
  const found = await session.query(
    'SELECT format_type(a.atttypid, a.atttypmod), a.atthasdef FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attname = $2 AND NOT a.attisdropped',
    [alter.table, identifierValue(alter.column)],
  );
  const [type, hasDefault] = found.rows[0] ?? [];
  if (type === undefined) return; // no such table or column: PostgreSQL says so in its own words
  if (!String(type).startsWith('character varying'))
    throw new RedshiftRuleError({
      rule: 'alter-column-type',
      message: `ALTER TABLE ALTER COLUMN TYPE changes only the size of a VARCHAR column; ${alter.column} is ${String(type)}`,
    });
  if (hasDefault === 't' || hasDefault === 'true')
    throw new RedshiftRuleError({
      rule: 'alter-column-type',
      message: `ALTER TABLE ALTER COLUMN TYPE cannot alter a column with a default value (${alter.column})`,
    });
}

/** An identifier as the catalog holds it: quoted names as written, others folded to lower case. */
function identifierValue(name: string): string {
  const [part = name] = splitQualified(name);
  return part.startsWith('"') ? part.slice(1, -1).replace(/""/g, '"') : part.toLowerCase();
}
