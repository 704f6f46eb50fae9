import { runStartedAt } from '@etl/core';
import { generationOf, MANIFEST_NAME } from './layout.js';

/**
 * Which generation folders of a dataset to keep and which to delete. Pure: the caller lists the
 * objects and deletes. A generation is committed when the prefix's manifest names it (overwrite
 * datasets) or when it holds its own manifest (append datasets); anything else is a run in
 * progress or the leftovers of one killed outright (SIGKILL: no abort ran).
 */

export interface StaleGeneration {
  /** Path below the prefix (`run_id=20261201T000000Z-0badc0de`). */
  generation: string;
  runId: string;
  startedAt: Date;
  /** Every key below the prefix inside the generation. */
  keys: string[];
}

/**
 * The uncommitted generations whose run started more than `staleAfterHours` before `now` (read from
 * the run id in the folder's name, as `newRunId` makes them), never the current run's. Folders this
 * writer does not name (not of the template's shape, or a run id that is not a start time) are never
 * picked, so a prefix shared with other data loses only what a dataset run left. The age keeps a run
 * still writing elsewhere safe.
 */
export function staleGenerations(input: {
  /** Every key below the prefix. */
  keys: readonly string[];
  /** The dataset's generation template (`run_id={runId}`): only folders of its shape are looked at. */
  template: string;
  /** Generations the prefix's manifest names, as paths below the prefix. */
  published: readonly string[];
  currentRunId: string;
  now: Date;
  staleAfterHours: number;
}): StaleGeneration[] {
  const cutoff = input.now.getTime() - input.staleAfterHours * 3_600_000;
  const committed = new Set(input.published);
  const byGeneration = new Map<string, { runId: string; keys: string[] }>();
  for (const key of input.keys) {
    const found = generationOf(key, input.template);
    if (!found) continue;
    if (key === `${found.generation}/${MANIFEST_NAME}`) committed.add(found.generation);
    const entry = byGeneration.get(found.generation) ?? { runId: found.runId, keys: [] };
    entry.keys.push(key);
    byGeneration.set(found.generation, entry);
  }
  const stale: StaleGeneration[] = [];
  for (const [generation, { runId, keys }] of byGeneration) {
    const startedAt = runStartedAt(runId);
    if (startedAt === undefined || committed.has(generation) || runId.toLowerCase() === input.currentRunId.toLowerCase()) continue;
    if (startedAt.getTime() < cutoff) stale.push({ generation, runId, startedAt, keys });
  }
  return stale;
}

/**
 * The generations an overwrite dataset's new manifest names: this run's first, then the previous
 * manifest's, `keep` in all, then every `retained` one (a generation the catalog still points at:
 * named so that neither this run nor a later sweep deletes it); the ones that fall off are deleted
 * once the new manifest is written.
 */
export function keptGenerations(
  current: string,
  previous: readonly string[],
  keep: number,
  retained: readonly string[] = [],
): { kept: string[]; dropped: string[] } {
  const all = [current, ...previous.filter((g) => g !== current)];
  const newest = all.slice(0, keep);
  const kept = [...newest, ...retained.filter((g, i) => !newest.includes(g) && retained.indexOf(g) === i)];
  return { kept, dropped: all.filter((g) => !kept.includes(g)) };
}
