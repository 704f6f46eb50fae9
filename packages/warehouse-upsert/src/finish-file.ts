import { isAbortError, type RunContext } from '@etl/core';
import { objectsUnder } from '@etl/object-store';
import { quoteQualified } from '@etl/sql';
import { auditInsert, auditTable, auditTableDdl } from '@etl/table-sync';
import { archivedName } from './archive-names.js';
import type { FileOutcome, UpsertDeps } from './upsert-file.js';
import type { ResolvedUpsertOptions } from './upsert-options.js';

export interface FinishState {
  outcome: FileOutcome;
  start: Date;
  /** The staging table exists (created, and not dropped by a merge). */
  stagingCreated: boolean;
  /** The SUCCESS audit row is written already (by the merge's transaction, or by the run that loaded the file). */
  audited: boolean;
  stagingTable: string;
  stagingUri: string;
}

/** Stopped by a shutdown signal (SIGTERM, SIGINT), as opposed to failed or stopped for too many rejects. */
function interrupted(signal: AbortSignal): boolean {
  return signal.aborted && isAbortError(signal.reason);
}

/**
 * Audit row (a FAILED one: a SUCCESS row is written by the merge), staging cleanup and the source
 * file's move, on success and on failure alike; a file whose
 * run was interrupted stays where it is for the next run (seed 003's unprocessed/ is for files that fail).
 * Each step is tried even when one before failed: the other cleanups still matter.
 */
export async function finishFile(
  file: string,
  options: ResolvedUpsertOptions,
  ctx: RunContext,
  deps: UpsertDeps,
  state: FinishState,
): Promise<void> {
  const { objects, warehouse } = deps;
  const { outcome } = state;
  const audit = auditTable(options.table);
  const steps: Array<[string, () => Promise<unknown>]> = [
    [
      'record the run in the audit table',
      async () => {
        if (state.audited) return;
        await warehouse.query(auditTableDdl(audit));
        const row = auditInsert(audit, {
          runId: ctx.runId,
          jobId: ctx.jobName,
          start: state.start,
          end: ctx.clock.now(),
          sourceFile: file,
          targetTable: options.table,
          read: outcome.read,
          updated: outcome.updated,
          inserted: outcome.inserted,
          rejected: outcome.rejected,
          status: outcome.status === 'SUCCESS' ? 'SUCCESS' : 'FAILED',
          ...(outcome.error ? { error: outcome.error } : {}),
        });
        await warehouse.query(row.sql, row.parameters);
      },
    ],
    [
      'drop the staging table',
      async () => {
        if (state.stagingCreated) await warehouse.query(`DROP TABLE IF EXISTS ${quoteQualified(state.stagingTable)}`);
      },
    ],
    ['delete the staging files', async () => objects.deleteMany(await objectsUnder(objects, state.stagingUri))],
    [
      'move the source file',
      async () => {
        if (!options.archive) return;
        if (outcome.status !== 'SUCCESS' && interrupted(ctx.signal)) {
          // Stopped, not refused: nothing is wrong with the file, and the next run should load it.
          ctx.logger.warn(
            { file },
            `${file} left in place: the run was stopped before it finished with it; the next run loads it (the merge is one transaction and an upsert: the file lands whole, once)`,
          );
          return;
        }
        const loaded = outcome.status === 'SUCCESS';
        const prefix = loaded ? options.archivePrefix : options.unprocessedPrefix;
        const destination = archivedName(file, loaded ? 'archive' : 'unprocessed', ctx.clock.now(), prefix);
        await objects.move(file, destination);
        outcome.movedTo = destination;
      },
    ],
  ];
  for (const [what, step] of steps) {
    try {
      await step();
    } catch (error) {
      ctx.logger.error({ file, err: error }, `could not ${what}: ${(error as Error).message}`);
    }
  }
}
