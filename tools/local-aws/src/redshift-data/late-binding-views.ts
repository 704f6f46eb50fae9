import { sqlCode } from '@etl/sql';
import type { SqlSession } from './sql-backend.js';

/**
 * Redshift's late-binding views (`CREATE VIEW … WITH NO SCHEMA BINDING`, "Late-binding views" in
 * CREATE VIEW - Amazon Redshift) are not bound to the tables they read: they have no rows in
 * pg_depend, block no ALTER or DROP of those tables, and are resolved by name when queried.
 * PostgreSQL has no such views, so the stand-in makes an ordinary view, removes its dependency rows
 * (pg_depend, as Redshift has none), keeps its text in `stand_in_late_binding_views` (made by `REDSHIFT_COMPAT_SQL`), and rebuilds it
 * from that text after every table DDL (a view whose tables or columns are gone is left out until
 * they are back: on Redshift it would fail when queried).
 */
const LATE_BINDING =
  /^\s*create\s+(?:or\s+replace\s+)?view\s+((?:"(?:[^"]|"")+"|[\w$]+)(?:\.(?:"(?:[^"]|"")+"|[\w$]+))?)\s+as\s+[\s\S]*?\s+with\s+no\s+schema\s+binding\s*;?\s*$/i;

/** `CREATE VIEW v AS … WITH NO SCHEMA BINDING` -> the view's name and the CREATE VIEW PostgreSQL runs; else undefined. */
export function lateBindingView(sql: string): { name: string; create: string } | undefined {
  const m = LATE_BINDING.exec(sqlCode(sql));
  if (!m) return undefined;
  return { name: m[1] as string, create: sql.replace(/\s+with\s+no\s+schema\s+binding\s*;?\s*$/i, '') };
}

/** Table DDL after which late-binding views are rebuilt (their tables may have new columns or be gone). */
export function changesTables(sql: string): boolean {
  return /^\s*(alter|drop|create)\s+table\b/i.test(sqlCode(sql));
}

export async function createLateBindingView(session: SqlSession, view: { name: string; create: string }): Promise<void> {
  await session.query(view.create);
  await unbind(session, view.name);
  await session.query(
    'INSERT INTO stand_in_late_binding_views (name, definition) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET definition = EXCLUDED.definition',
    [view.name, view.create],
  );
}

/** Rebuilds every late-binding view from its text; `session` must be in a transaction (savepoints). */
export async function rebindLateBindingViews(session: SqlSession): Promise<void> {
  const views = await session.query('SELECT name, definition FROM stand_in_late_binding_views ORDER BY name');
  for (const [name, definition] of views.rows) {
    await session.query(`DROP VIEW IF EXISTS ${String(name)}`);
    await session.query('SAVEPOINT stand_in_rebind');
    try {
      await session.query(String(definition));
      await unbind(session, String(name));
      await session.query('RELEASE SAVEPOINT stand_in_rebind');
    } catch {
      await session.query('ROLLBACK TO SAVEPOINT stand_in_rebind');
    }
  }
}

/** Removes the view's dependencies on tables and columns (its rule keeps the one on the view itself). */
async function unbind(session: SqlSession, name: string): Promise<void> {
  await session.query(
    "DELETE FROM pg_depend WHERE classid = 'pg_rewrite'::regclass AND objid IN (SELECT oid FROM pg_rewrite WHERE ev_class = to_regclass($1)) AND refobjid <> to_regclass($1)",
    [name],
  );
}
