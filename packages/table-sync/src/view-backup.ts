import { portableLiteral, quoteQualified, splitQualified } from '@etl/sql';
import type { PlanStep, ViewDefinition } from './plan-sync.js';
import { tableParameters } from './target-columns.js';

/**
 * Views dropped for ALTERs that cannot share their transaction (a VARCHAR widening runs outside any)
 * are written to a backup table in the transaction that drops them, and deleted from it in the one
 * that recreates them. A run that fails in between recreates them from the plan (its compensation);
 * one killed in between leaves them in the backup, and the next load of the table recreates them
 * from there (`VIEW_BACKUP_SQL`) before it reads the table.
 */

/** The backup table: in the target's schema, beside the audit table. */
export function viewBackupTable(targetTable: string): string {
  const parts = splitQualified(targetTable);
  return parts.length > 1 ? `${parts[0]}.etl_view_backup` : 'etl_view_backup';
}

/** The views a killed run left in the backup for `:target` (the table as the plan names it), in creation order. */
export function viewBackupQuery(targetTable: string): string {
  return `SELECT view_name, definition FROM ${quoteQualified(viewBackupTable(targetTable))} WHERE target_table = :target ORDER BY view_order`;
}

/** `viewBackupQuery`'s rows -> views. */
export function backedUpViews(rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>): ViewDefinition[] {
  return rows.map(([name, definition]) => ({ name: String(name), definition: String(definition) }));
}

/** Before the drops, in their transaction: the views' names and SELECTs kept (one INSERT each, literals only). */
export function viewBackupSteps(targetTable: string, views: readonly ViewDefinition[]): PlanStep[] {
  const backup = quoteQualified(viewBackupTable(targetTable));
  const target = portableLiteral(targetKey(targetTable));
  return [
    {
      sql: `CREATE TABLE IF NOT EXISTS ${backup} (target_table VARCHAR(256) NOT NULL, view_order INTEGER NOT NULL, view_name VARCHAR(256) NOT NULL, definition VARCHAR(65535) NOT NULL)`,
      reason: 'the view backup table, if missing',
    },
    { sql: `DELETE FROM ${backup} WHERE target_table = ${target}`, reason: `nothing older kept for ${targetTable}` },
    ...views.map((v, i) => ({
      sql: `INSERT INTO ${backup} (target_table, view_order, view_name, definition) VALUES (${target}, ${i + 1}, ${portableLiteral(v.name)}, ${portableLiteral(selectOf(v))})`,
      reason: `keep view ${v.name} until it is recreated: the ALTERs cannot share one transaction with its recreation`,
    })),
  ];
}

/** The views recreated in order; with `backup`, their backup rows deleted in the same transaction. */
export function viewRestoreSteps(targetTable: string, views: readonly ViewDefinition[], options: { backup: boolean }): PlanStep[] {
  return [
    ...views.map((v) => ({ sql: `CREATE VIEW ${quoteQualified(v.name)} AS ${selectOf(v)}`, reason: `recreate view ${v.name} as it was` })),
    ...(options.backup && views.length > 0
      ? [
          {
            sql: `DELETE FROM ${quoteQualified(viewBackupTable(targetTable))} WHERE target_table = ${portableLiteral(targetKey(targetTable))}`,
            reason: 'the views are back: their backup is done',
          },
        ]
      : []),
  ];
}

/** The table as the backup names it: `schema.table`, folded as SQL folds it, whatever the spelling. */
export function targetKey(targetTable: string): string {
  const { schema, table } = tableParameters(targetTable);
  return `${schema}.${table}`;
}

function selectOf(view: ViewDefinition): string {
  return view.definition.trim().replace(/;\s*$/, '');
}

/** Whether the backup table exists in `:schema` (a load reads it only then). */
export const VIEW_BACKUP_EXISTS_SQL =
  "SELECT table_name FROM information_schema.tables WHERE table_schema = :schema AND table_name = 'etl_view_backup'";
