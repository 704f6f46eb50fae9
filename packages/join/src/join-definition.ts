import { createHash } from 'node:crypto';
import type { JoinPlan } from './join-plan.js';

/**
 * What decides which rows the output holds: the join type, the tables in join order (the driving
 * table first for `left`) with each one's key column, and the key's output name. Columns are not part
 * of it: a table's new column is schema evolution, as the catalog registers it.
 */
export interface JoinDefinition {
  type: JoinPlan['type'];
  joinKey: string;
  /** `[table, key column]` in join order. */
  tables: Array<[string, string]>;
}

/** The definition as recorded beside the timestamp file: a short fingerprint to compare and its readable form to show. */
export interface RecordedDefinition {
  fingerprint: string;
  readable: string;
  definition: JoinDefinition;
}

/** The definition of a planned join (pure). */
export function joinDefinition(plan: Pick<JoinPlan, 'type' | 'tables'>, joinKey: string): RecordedDefinition {
  const definition: JoinDefinition = { type: plan.type, joinKey, tables: plan.tables.map((t) => [t.name, t.keyName]) };
  return {
    fingerprint: createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 16),
    readable: readableDefinition(definition),
    definition,
  };
}

/** `left join on account_id of accounts (driving), orders, tickets.account`: a table keyed by another column shows it. */
export function readableDefinition(d: JoinDefinition): string {
  const tables = d.tables.map(
    ([table, key], i) => `${table}${key === d.joinKey ? '' : `.${key}`}${d.type === 'left' && i === 0 ? ' (driving)' : ''}`,
  );
  return `${d.type} join on ${d.joinKey} of ${tables.join(', ')}`;
}

/**
 * Why an incremental run must not go on (one line), or undefined: the join differs from the one the
 * published runs and the watermarks were made with, so re-emitting only changed keys would leave every
 * other key's latest row under the old join.
 */
export function changedDefinition(recorded: RecordedDefinition | undefined, now: RecordedDefinition): string | undefined {
  if (!recorded || recorded.fingerprint === now.fingerprint) return undefined;
  return `the join changed since the last run (was: ${recorded.readable}; now: ${now.readable}): an incremental run would leave unchanged keys under the old join; run once with --load_type full to re-emit every key`;
}
