import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRejectRatio, TerminalError, type RunContext } from '@etl/core';
import { joinUri, type ObjectStore } from '@etl/object-store';
import { DESCRIBE_TABLE_SQL, stagingTableName, tableParameters, targetColumns, type PlanStep } from '@etl/table-sync';
import type { Warehouse } from '@etl/warehouse';
import { findDependentViews } from './dependent-views.js';
import { finishFile } from './finish-file.js';
import { runHarmonize } from './harmonize.js';
import { planLoad, planSteps } from './load-plan.js';
import { loadedBefore } from './loaded-before.js';
import { restoreBackedUpViews } from './restore-views.js';
import { stageFile } from './stage-file.js';
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
 * One source file into the target table (seed 003), in this order: stage it as typed CSV parts while
 * profiling it; read the target and plan every statement (`planLoad`); then run the plan: the table
 * created or evolved (`runHarmonize`: views dropped and recreated), staging table, COPY, merge with
 * its SUCCESS audit row (one transaction), configured views; staging cleaned up, source archived. A
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
  // A dry run stages one local file (profiled, then removed); a load stages numbered parts for one COPY.
  const stagingFile = options.dryRun
    ? join(tmpdir(), `warehouse-upsert-${stagingTableName(ctx.runId, index)}.csv.gz`)
    : joinUri(stagingUri, 'part-{part}.csv.gz');
  const rejectedBefore = ctx.rejects.count;
  const outcome: FileOutcome = { file, status: 'FAILED', read: 0, rejected: 0, duplicates: 0, updated: 0, inserted: 0, plan: [] };
  let stagingCreated = false;
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
    const loadedBy = head ? await loadedBefore(warehouse, table, file, head.lastModified, ctx.signal) : undefined;
    if (loadedBy) {
      ctx.logger.warn(
        { file, runId: loadedBy },
        `${file} was loaded by run ${loadedBy} (its SUCCESS audit row) after it last changed; that run stopped before archiving it: archived now, not loaded again`,
      );
      outcome.status = options.dryRun ? 'PLANNED' : 'SUCCESS';
      audited = true;
      return outcome;
    }
    const staged = await stageFile(
      file,
      stagingFile,
      { ...options, maxIdentifierBytes: warehouse.maxIdentifierBytes, start, parts: !options.dryRun, progress },
      ctx,
      objects,
    );
    const { report } = staged;
    stepDone(`staged ${report.rowsWritten} typed rows for COPY in ${report.outputs.length} part(s)`, {
      rows: report.rowsWritten,
      bytes: report.bytesWritten,
      parts: report.outputs.length,
    });
    outcome.read = report.rowsRead;
    outcome.rejected = ctx.rejects.count - rejectedBefore;
    checkRejectRatio(ctx, report.rowsWritten, file, outcome.rejected); // before anything reaches the warehouse
    if (report.rowsRead === 0) {
      // Header only: like an empty file, a success with nothing loaded; no table is created or changed.
      ctx.logger.warn({ file }, `${file} has a header but no rows: nothing to load, the table is left as it is`);
      outcome.status = options.dryRun ? 'PLANNED' : 'SUCCESS';
      return outcome;
    }

    if (!options.dryRun) await restoreBackedUpViews(warehouse, table, ctx);
    const parameters = tableParameters(table);
    const described = await warehouse.query(DESCRIBE_TABLE_SQL, parameters, { signal: ctx.signal });
    const target = described.rows.length > 0 ? targetColumns(described.rows) : undefined;
    const views = target ? await findDependentViews(warehouse, table, ctx.signal) : [];
    const plan = planLoad({
      file,
      table,
      keys: options.keys,
      staged,
      stagingTable,
      stagingUri,
      target,
      dependentViews: views,
      views: options.views,
      copyStatement: (load) => warehouse.copyStatement(load),
      audit: { runId: ctx.runId, jobId: ctx.jobName, start, read: outcome.read, rejected: outcome.rejected },
    });
    if (plan.problems.length > 0)
      throw new TerminalError('CONFLICT', `${file} cannot be loaded into ${table}: ${plan.problems.join('; ')}`);
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
    await run(plan.prepare);
    stagingCreated = true;
    await warehouse.loadCsv(plan.copy.load, { signal: ctx.signal });
    stepDone(`COPY into ${stagingTable} done`);
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
    for (const phase of plan.views) await run(phase.steps);
    outcome.status = 'SUCCESS';
  } catch (error) {
    outcome.error = (error as Error).message;
    // Stopped while staging: the audit row says what was read so far, as the run report does.
    if (outcome.read === 0) {
      outcome.rejected = ctx.rejects.count - rejectedBefore;
      outcome.read = progress.rows + outcome.rejected;
    }
    throw Object.assign(error as Error, { outcome });
  } finally {
    if (options.dryRun) await rm(stagingFile, { force: true });
    else await finishFile(file, options, ctx, deps, { outcome, start, stagingCreated, audited, stagingTable, stagingUri });
  }
  return outcome;
}
