import { createHash } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { TerminalError } from '@etl/core';
import type { ObjectStore } from '@etl/object-store';
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

/** Where the definition is kept: beside the timestamp file, `<timestamp_s3_path>.join.json`. */
export const definitionUri = (timestampUri: string) => `${timestampUri}.join.json`;

/** The recorded definition, or undefined when there is none (state written before definitions were recorded, or none at all). */
export async function readDefinition(
  store: ObjectStore,
  timestampUri: string,
  signal?: AbortSignal,
): Promise<RecordedDefinition | undefined> {
  const uri = definitionUri(timestampUri);
  if (!(await store.head(uri))) return undefined;
  const body = await text(await store.get(uri, signal ? { signal } : {}));
  try {
    const parsed = JSON.parse(body) as Partial<RecordedDefinition>;
    if (typeof parsed.fingerprint === 'string' && typeof parsed.readable === 'string' && parsed.definition)
      return parsed as RecordedDefinition;
  } catch {
    /* reported below */
  }
  throw new TerminalError('CONFIG', `${uri} is not a recorded join definition; delete it and run with --load_type full`);
}

/** Replaces the recorded definition (one `put`): after the publish, before the watermarks (see the README). */
export async function writeDefinition(
  store: ObjectStore,
  timestampUri: string,
  recorded: RecordedDefinition,
  runId: string,
): Promise<void> {
  await store.put(definitionUri(timestampUri), `${JSON.stringify({ ...recorded, run_id: runId }, null, 1)}\n`, {
    contentType: 'application/json',
  });
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
