import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRejectRatio, TerminalError, type RunContext } from '@etl/core';
import { joinUri, type ObjectStore } from '@etl/object-store';
import {
  DEPENDENT_VIEWS_SQL,
  dependentViews,
  DESCRIBE_TABLE_SQL,
  stagingTableName,
  tableParameters,
  targetColumns,
  type PlanStep,
} from '@etl/table-sync';
import type { Warehouse } from '@etl/warehouse';
import { finishFile } from './finish-file.js';
import { planLoad, planSteps } from './load-plan.js';
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
 * created or evolved (views dropped and recreated), staging table, COPY, merge (one transaction),
 * configured views; audit row, staging cleaned up, source archived. On failure: a FAILED audit row,
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
    if ((await objects.head(file))?.size === 0) {
      ctx.logger.warn({ file }, `${file} is empty: nothing to load, the table is left as it is`);
      outcome.status = options.dryRun ? 'PLANNED' : 'SUCCESS';
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

    const parameters = tableParameters(table);
    const described = await warehouse.query(DESCRIBE_TABLE_SQL, parameters, { signal: ctx.signal });
    const target = described.rows.length > 0 ? targetColumns(described.rows) : undefined;
    const views = target ? dependentViews((await warehouse.query(DEPENDENT_VIEWS_SQL, parameters, { signal: ctx.signal })).rows) : [];
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
      await run(plan.harmonize);
      stepDone(`${plan.create ? 'created' : 'altered'} ${table}`, { statements: plan.harmonize.length });
    }
    await run(plan.prepare);
    stagingCreated = true;
    await warehouse.loadCsv(plan.copy.load, { signal: ctx.signal });
    stepDone(`COPY into ${stagingTable} done`);
    const affected = await run(plan.merge);
    stagingCreated = false; // the merge dropped it
    stepDone(`merged into ${table}`);
    outcome.duplicates = affected[plan.counts.duplicates] ?? 0;
    outcome.updated = affected[plan.counts.replaced] ?? 0;
    outcome.inserted = (affected[plan.counts.inserted] ?? 0) - outcome.updated;
    const sink = ctx.counters.component('warehouse-merge', 'sink');
    sink.rowsIn += report.rowsWritten;
    sink.rowsOut += outcome.inserted + outcome.updated;
    if (plan.views.length > 0) await run(plan.views);
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
    else await finishFile(file, options, ctx, deps, { outcome, start, stagingCreated, stagingTable, stagingUri });
  }
  return outcome;
}
