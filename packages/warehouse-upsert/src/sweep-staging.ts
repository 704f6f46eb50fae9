import type { RunContext } from '@etl/core';
import { objectsBelow, type ObjectStore } from '@etl/object-store';
import { quoteIdent } from '@etl/sql';
import { packTransactions, STAGING_TABLES_SQL, stagingLeftovers, tableParameters, type PlanStep } from '@etl/table-sync';
import type { UpsertDeps } from './upsert-file.js';
import type { ResolvedUpsertOptions } from './upsert-options.js';

/**
 * Staging left by runs killed outright (their own cleanup never ran): staging tables in the target's
 * schema and run folders under the staging prefix older than `staleStagingHours`, dropped and
 * deleted before this run stages its own (`stagingLeftovers` says what counts); in a dry run
 * only logged. Returns the statements it ran (or would run). Housekeeping must not stop a load: a
 * failure here is logged as a warning and the run goes on.
 */
export async function sweepStaging(options: ResolvedUpsertOptions, ctx: RunContext, deps: UpsertDeps): Promise<PlanStep[]> {
  try {
    const { schema } = tableParameters(options.table);
    const tables = (await deps.warehouse.query(STAGING_TABLES_SQL, { schema }, { signal: ctx.signal })).rows.map((row) => String(row[0]));
    const files = await filesByRunFolder(deps.objects, options.stagingPrefix, ctx.signal);
    const leftovers = stagingLeftovers({
      tables,
      runFolders: [...files.keys()],
      currentRunId: ctx.runId,
      now: ctx.clock.now(),
      maxAgeHours: options.staleStagingHours,
    });
    const age = `started over ${options.staleStagingHours} h ago and never cleaned up (a killed run)`;
    const steps: PlanStep[] = leftovers.tables.map((table) => ({
      sql: `DROP TABLE IF EXISTS ${quoteIdent(schema)}.${quoteIdent(table)}`,
      reason: `staging table of a run that ${age}`,
    }));
    const stale = leftovers.runFolders.flatMap((folder) => files.get(folder) ?? []);
    if (options.dryRun) {
      for (const step of steps) ctx.logger.info({ sql: step.sql }, `dry run: would run ${step.sql}: ${step.reason}`);
      if (stale.length > 0)
        ctx.logger.info({ files: stale }, `dry run: ${stale.length} staged file(s) of runs that ${age} would be deleted`);
      return steps;
    }
    if (steps.length === 0 && stale.length === 0) return steps;
    // At most 40 drops a transaction: a Data API batch takes no more ("BatchExecuteStatement").
    for (const phase of packTransactions(steps.map((step) => [step])))
      await deps.warehouse.transaction(
        phase.steps.map((step) => step.sql),
        { signal: ctx.signal },
      );
    if (stale.length > 0) await deps.objects.deleteMany(stale);
    ctx.logger.info(
      { tables: leftovers.tables, files: stale.length },
      `dropped ${steps.length} staging table(s) and deleted ${stale.length} staged file(s) of runs that ${age}`,
    );
    return steps;
  } catch (error) {
    ctx.signal.throwIfAborted();
    ctx.logger.warn({ err: error }, `could not sweep staging left by killed runs (the load goes on): ${(error as Error).message}`);
    return [];
  }
}

/** Objects under the staging prefix, grouped by their first folder (a run id). */
async function filesByRunFolder(objects: ObjectStore, stagingPrefix: string, signal: AbortSignal): Promise<Map<string, string[]>> {
  const byFolder = new Map<string, string[]>();
  for await (const { uri, key } of objectsBelow(objects, stagingPrefix, { signal })) {
    const slash = key.indexOf('/');
    if (slash <= 0) continue;
    const folder = key.slice(0, slash);
    const files = byFolder.get(folder);
    if (files) files.push(uri);
    else byFolder.set(folder, [uri]);
  }
  return byFolder;
}
