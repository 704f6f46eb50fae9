import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRejectRatio, rejectsSince, tallyOf, TerminalError, type RunContext } from '@etl/core';
import { joinUri, type ObjectStore } from '@etl/object-store';
import { DESCRIBE_TABLE_SQL, stagingTableName, tableParameters, targetColumns, type PlanStep } from '@etl/table-sync';
import type { Warehouse } from '@etl/warehouse';
import { findDependentViews } from './dependent-views.js';
import { finishFile } from './finish-file.js';
import { runHarmonize } from './harmonize.js';
import { copyStep, planLoad, planSteps, stagingPrepare } from './load-plan.js';
import { PartLoader } from './part-loader.js';
import { loadedBefore } from './loaded-before.js';
import { restoreBackedUpViews } from './restore-views.js';
import { stageFile } from './stage-file.js';
import { stagingTableSteps } from './staging-table.js';
import type { ResolvedUpsertOptions } from './upsert-options.js';

export interface FileOutcome {
  file: string;
  status: 'SUCCESS' | 'FAILED' | 'PLANNED';
  read: number;
  rejected: number;
  duplicates: number;
  updated: number;
  inserted: number;
  /** Every statement, in order, with its reason: what ran (or, in a dry run, would run). */
  plan: PlanStep[];
  /** Where the source file went (archive/ or unprocessed/), when it was moved. */
  movedTo?: string;
  error?: string;
}

export interface UpsertDeps {
  objects: ObjectStore;
  warehouse: Warehouse;
}

/**
 * One source file into the target table (seed 003), in this order: read the table as it is; stage the
 * file as typed CSV parts while profiling it, the staging table created as soon as its schema is
 * known and each part COPYed into it while the next is staged (`PartLoader`); read the target again
 * and plan every statement (`planLoad`); then run the rest of the plan: the table created or evolved
 * (`runHarmonize`: views dropped and recreated), merge with its SUCCESS audit row (one transaction),
 * configured views; staging cleaned up, source archived. The table itself changes only from the
 * harmonize step on, after the whole file is staged and counted. A
 * file a killed run loaded but never archived is archived without a second load (`loadedBefore`). On failure: a FAILED audit row,
 * staging cleaned up, the source moved to unprocessed/, the error rethrown with the outcome.
 * `index` is the file's position in the run (it names the staging table and folder).
 */
export async function upsertFile(
  file: string,
  index: number,
  options: ResolvedUpsertOptions,
  ctx: RunContext,
  deps: UpsertDeps,
): Promise<FileOutcome> {
  const { objects, warehouse } = deps;
  const start = ctx.clock.now();
  const table = options.table;
  const stagingTable = `${tableParameters(table).schema}.${stagingTableName(ctx.runId, index)}`;
  const stagingUri = `${joinUri(options.stagingPrefix, ctx.runId, String(index))}/`;
  const partName = 'part-{part}.csv.gz';
  // A dry run stages numbered parts into a local folder (profiled, then removed); a load stages them
  // under stagingUri and COPYs each as soon as it is stored.
  const dryRunDir = options.dryRun ? join(tmpdir(), `warehouse-upsert-${stagingTableName(ctx.runId, index)}`) : undefined;
  const stagingFile = dryRunDir ? join(dryRunDir, partName) : joinUri(stagingUri, partName);
  /** Where part n of this file is staged for the warehouse (a dry run's plan names these too). */
  const partUri = (n: number) => joinUri(stagingUri, partName.replace('{part}', String(n).padStart(5, '0')));
  const rejectedBefore = tallyOf(ctx.rejects);
  const outcome: FileOutcome = { file, status: 'FAILED', read: 0, rejected: 0, duplicates: 0, updated: 0, inserted: 0, plan: [] };
  let stagingCreated = false;
  const loader = options.dryRun ? undefined : new PartLoader(warehouse, ctx.signal);
  let stagingSteps: PlanStep[] = [];
  let sourceColumns: string[] = [];
  /** The SUCCESS audit row is in (the merge wrote it, or an earlier run had): finishing writes none. */
  let audited = false;
  const progress = { rows: 0 };
  /** Logs how long each step took: where a slow load spends its time, without a profiler. */
  let stepStarted = performance.now();
  const stepDone = (msg: string, fields: Record<string, unknown> = {}) => {
    const now = performance.now();
    ctx.logger.info({ file, seconds: Number(((now - stepStarted) / 1000).toFixed(2)), ...fields }, `${file}: ${msg}`);
    stepStarted = now;
  };
  const run = (steps: readonly PlanStep[]) =>
    warehouse.transaction(
      steps.map((s) => s.sql),
      { signal: ctx.signal },
    );

  try {
    const head = await objects.head(file);
    if (head?.size === 0) {
      ctx.logger.warn({ file }, `${file} is empty: nothing to load, the table is left as it is`);
      outcome.status = options.dryRun ? 'PLANNED' : 'SUCCESS';
      return outcome;
    }
    const parameters = tableParameters(table);
    const describe = async () => {
      const described = await warehouse.query(DESCRIBE_TABLE_SQL, parameters, { signal: ctx.signal });
      return described.rows.length > 0 ? targetColumns(described.rows) : undefined;
    };
    // Two independent reads at once (fewer round trips in a row): was this file loaded already, and
    // the table as it is before the load (after views a stopped run dropped are recreated), which
    // types the staging table.
    const [loadedBy, before] = await together(
      head ? loadedBefore(warehouse, table, file, head.lastModified, ctx.signal) : Promise.resolve(undefined),
      (async () => {
        if (!options.dryRun) await restoreBackedUpViews(warehouse, table, ctx);
        return describe();
      })(),
    );
    if (loadedBy) {
      ctx.logger.warn(
        { file, runId: loadedBy },
        `${file} was loaded by run ${loadedBy} (its SUCCESS audit row) after it last changed; that run stopped before archiving it: archived now, not loaded again`,
      );
      outcome.status = options.dryRun ? 'PLANNED' : 'SUCCESS';
      audited = true;
      return outcome;
    }
    // The staging table is created as soon as the file's schema is known, so that each part's COPY
    // runs while the next part is staged.
    const staged = await stageFile(
      file,
      stagingFile,
      {
        ...options,
        maxIdentifierBytes: warehouse.maxIdentifierBytes,
        start,
        parts: true,
        progress,
        ...(head ? { fileBytes: head.size } : {}),
        onSchema: (schema) => {
          sourceColumns = schema.fields.map((f) => f.name);
          stagingSteps = stagingTableSteps({ stagingTable, schema, keys: options.keys, target: before });
          if (!loader) return;
          stagingCreated = true; // from here on, finishing drops it (DROP TABLE IF EXISTS)
          loader.prepare(stagingPrepare(table, stagingSteps));
        },
        ...(loader
          ? {
              onPart: (uri: string, n: number) =>
                loader.copy(
                  copyStep(stagingTable, sourceColumns, uri, (load) => warehouse.copyStatement(load), `part ${n + 1} staged from ${file}`),
                ),
            }
          : {}),
      },
      ctx,
      objects,
    );
    const { report } = staged;
    const threads = report.threads > 1 ? ` on ${report.threads} threads` : '';
    stepDone(`staged ${report.rowsWritten} typed rows for COPY in ${report.outputs.length} part(s)${threads}`, {
      rows: report.rowsWritten,
      bytes: report.bytesWritten,
      parts: report.outputs.length,
      threads: report.threads,
    });
    outcome.read = report.rowsRead;
    const rejected = rejectsSince(ctx.rejects, rejectedBefore);
    outcome.rejected = rejected.count;
    // Before the table changes (only the staging table holds rows so far).
    checkRejectRatio(ctx, report.rowsWritten, file, rejected);
    if (report.rowsRead === 0) {
      // Header only: like an empty file, a success with nothing loaded; no table is created or changed.
      ctx.logger.warn({ file }, `${file} has a header but no rows: nothing to load, the table is left as it is`);
      outcome.status = options.dryRun ? 'PLANNED' : 'SUCCESS';
      return outcome;
    }

    // The table read again (another load may have changed it) while the last COPY runs; every
    // part's COPY done (a failed one is reported after the plan, whose refusal says more).
    const [copyFailure, { target, views }] = await together(
      loader
        ? loader.settled().then(
            () => undefined,
            (error: unknown) => ({ error }),
          )
        : Promise.resolve(undefined),
      (async () => {
        const target = await describe();
        return { target, views: target ? await findDependentViews(warehouse, table, ctx.signal) : [] };
      })(),
    );
    if (loader) stepDone(`COPY into ${stagingTable} done (${report.outputs.length} part(s), the last after staging)`);
    const plan = planLoad({
      file,
      table,
      keys: options.keys,
      staged,
      stagingTable,
      stagingSteps,
      parts: report.outputs.map((_, n) => partUri(n)),
      target,
      dependentViews: views,
      views: options.views,
      copyStatement: (load) => warehouse.copyStatement(load),
      audit: { runId: ctx.runId, jobId: ctx.jobName, start, read: outcome.read, rejected: outcome.rejected },
    });
    if (plan.problems.length > 0)
      throw new TerminalError('CONFLICT', `${file} cannot be loaded into ${table}: ${plan.problems.join('; ')}`);
    if (copyFailure) throw copyFailure.error;
    outcome.plan = planSteps(plan);
    if (options.dryRun) {
      outcome.status = 'PLANNED';
      return outcome;
    }

    stepDone(`planned: ${plan.create ? 'create the table' : `${plan.harmonize.length} table change(s)`}`);
    if (plan.harmonize.length > 0) {
      await runHarmonize(warehouse, { table, phases: plan.harmonizePhases, compensation: plan.compensation }, ctx);
      stepDone(`${plan.create ? 'created' : 'altered'} ${table}`, { statements: plan.harmonize.length });
    }
    const affected = await run(plan.merge);
    stagingCreated = false; // the merge dropped it
    audited = true; // and wrote the SUCCESS audit row
    stepDone(`merged into ${table}`);
    outcome.duplicates = affected[plan.counts.duplicates] ?? 0;
    outcome.updated = affected[plan.counts.replaced] ?? 0;
    outcome.inserted = (affected[plan.counts.inserted] ?? 0) - outcome.updated;
    const sink = ctx.counters.component('warehouse-merge', 'sink');
    sink.rowsIn += report.rowsWritten;
    sink.rowsOut += outcome.inserted + outcome.updated;
    sink.dropped += outcome.duplicates; // a key repeated in the file: its last row is the one merged
    for (const phase of plan.views) await run(phase.steps);
    outcome.status = 'SUCCESS';
  } catch (error) {
    outcome.error = (error as Error).message;
    // Stopped while staging: the audit row says what was read so far, as the run report does.
    if (outcome.read === 0) {
      outcome.rejected = rejectsSince(ctx.rejects, rejectedBefore).count;
      outcome.read = progress.rows + outcome.rejected;
    }
    throw Object.assign(error as Error, { outcome });
  } finally {
    // A COPY still running (staging failed under it) ends before its table is dropped.
    await loader?.settled().catch(() => undefined);
    if (dryRunDir) await rm(dryRunDir, { recursive: true, force: true });
    else await finishFile(file, options, ctx, deps, { outcome, start, stagingCreated, audited, stagingTable, stagingUri });
  }
  return outcome;
}

/** Both at once, waiting for both, then the first failure: no call is left running behind an error. */
async function together<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [first, second] = await Promise.allSettled([a, b]);
  if (first.status === 'rejected') throw first.reason;
  if (second.status === 'rejected') throw second.reason;
  return [first.value, second.value];
}
