import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAbortError, TerminalError, type RunContext } from '@etl/core';
import { convert } from '@etl/convert';
import { joinUri, objectsUnder, type ObjectStore } from '@etl/object-store';
import { cleanColumnNames, metadataColumns, type Schema } from '@etl/schema';
import {
  auditInsert,
  auditTable,
  auditTableDdl,
  DEPENDENT_VIEWS_SQL,
  dependentViews,
  DESCRIBE_TABLE_SQL,
  DuplicateKeyFilter,
  LINE_COLUMN,
  planMerge,
  planTableSync,
  SourceProfile,
  stagingTableName,
  tableParameters,
  targetColumns,
  type PlanStep,
  type ViewConfigEntry,
  viewConfigSteps,
} from '@etl/table-sync';
import { quoteQualified, redshiftLiteral } from '@etl/sql';
import type { Warehouse } from '@etl/warehouse';
import type { CsvToRedshiftConfig } from './config.js';

export interface FileOutcome {
  file: string;
  status: 'SUCCESS' | 'FAILED' | 'PLANNED';
  read: number;
  rejected: number;
  duplicates: number;
  updated: number;
  inserted: number;
  /** Every statement, in order, with its reason (what `--dry_run` prints). */
  plan: PlanStep[];
  /** Where the source file went (archive/ or unprocessed/), when it was moved. */
  movedTo?: string;
  error?: string;
}

export interface LoadDeps {
  objects: ObjectStore;
  warehouse: Warehouse;
  runId: string;
  jobName: string;
  /** Position of the file in this run (names its staging table and files). */
  index: number;
  views: readonly ViewConfigEntry[];
  /** Whether the source is moved to archive/ or unprocessed/ afterwards. */
  archive: boolean;
}

/**
 * One source file into the target table (seed 003), in this order: read it (encoding detected, names
 * cleaned, types inferred with DECIMAL(38,18) for fractions except keys, `run_date`/`file_name` added),
 * write the typed staging CSV while profiling it; read the target and plan the harmonization; then
 * ALTERs (one transaction, views dropped and recreated), staging table LIKE the target, COPY, merge
 * (one transaction), configured views, audit row, staging files deleted, source archived. On failure:
 * a FAILED audit row, staging cleaned up, the source moved to unprocessed/, the error rethrown.
 */
export async function loadFile(file: string, config: CsvToRedshiftConfig, ctx: RunContext, deps: LoadDeps): Promise<FileOutcome> {
  const { objects, warehouse } = deps;
  const start = new Date();
  const table = config.target_table;
  const keys = config.upsert_keys;
  const stagingTable = `${tableParameters(table).schema}.${stagingTableName(deps.runId, deps.index)}`;
  const stagingUri = `${joinUri(config.staging_prefix, deps.runId, String(deps.index))}/`;
  // A dry run stages one local file (profiled, then removed); a load stages numbered parts for one COPY.
  const stagingFile = config.dry_run
    ? join(tmpdir(), `csv-to-redshift-${stagingTableName(deps.runId, deps.index)}.csv.gz`)
    : joinUri(stagingUri, 'part-{part}.csv.gz');
  const rejectedBefore = ctx.rejects.count;
  const outcome: FileOutcome = { file, status: 'FAILED', read: 0, rejected: 0, duplicates: 0, updated: 0, inserted: 0, plan: [] };
  let stagingCreated = false;
  /** Logs how long each step took: where a slow load spends its time, without a profiler. */
  let stepStarted = performance.now();
  const stepDone = (msg: string, fields: Record<string, unknown> = {}) => {
    const now = performance.now();
    ctx.logger.info({ file, seconds: Number(((now - stepStarted) / 1000).toFixed(2)), ...fields }, `${file}: ${msg}`);
    stepStarted = now;
  };

  try {
    let schema: Schema = { fields: [] };
    let profile: SourceProfile | undefined;
    /** Whether the file's keys may repeat: when not, the merge skips its dedupe pass. */
    let keyFilter: DuplicateKeyFilter | undefined;
    // run_date and file_name are the same for every row of the file: the merge writes them as
    // literals, so they are neither staged nor COPYed per row (a third of the staged bytes).
    const constants = metadataColumns({ runDate: start, fileName: file });
    const report = await convert(
      objects,
      {
        input: file,
        output: stagingFile,
        inputFormat: 'csv',
        format: 'csv',
        writeHeader: false,
        nullMarker: '\\N',
        trimFractionZeros: true, // 1.5, not 1.500000000000000000: the same DECIMAL(38,18) in fewer bytes
        compression: 'gzip',
        gzipLevel: 1, // staging lives minutes: speed over size
        ...(config.dry_run ? {} : { partBytes: config.staging_part_mb * 1024 * 1024 }),
        ...(config.encoding ? { encoding: config.encoding } : {}),
        inferFrom: config.infer_from,
        header: true, // seed 003 reads with header=True: column names come from the file
        renameColumns: (names) => cleanColumnNames(names, { maxBytes: warehouse.maxIdentifierBytes }),
        // A file that has them already (an export of the table) gets this run's: seed 003's withColumn.
        omitColumns: constants.map((c) => c.field.name),
        infer: { decimalForFractions: true, keyColumns: keys, widenIntegers: true },
        appendColumns: () => ({ fields: [{ name: LINE_COLUMN, type: { kind: 'bigint' }, nullable: false }], values: (n) => [BigInt(n)] }),
        onSchema: (s) => {
          schema = { fields: s.fields.filter((f) => f.name !== LINE_COLUMN) };
          profile = new SourceProfile(schema, constants);
          const keyColumns = keys.map((k) => schema.fields.findIndex((f) => f.name === k));
          // A missing key column fails the plan below, naming it.
          if (!keyColumns.includes(-1)) keyFilter = new DuplicateKeyFilter(keyColumns);
        },
        observe: (batch) => {
          profile?.observe(batch);
          keyFilter?.observe(batch);
        },
      },
      ctx,
    );
    stepDone(`staged ${report.rowsWritten} typed rows for COPY in ${report.outputs.length} part(s)`, {
      rows: report.rowsWritten,
      bytes: report.bytesWritten,
      parts: report.outputs.length,
    });
    outcome.read = report.rowsRead;
    outcome.rejected = ctx.rejects.count - rejectedBefore;
    if (!profile) throw new TerminalError('BAD_ARGUMENT', `${file} has no columns`);

    const parameters = tableParameters(table);
    const described = await warehouse.query(DESCRIBE_TABLE_SQL, parameters, { signal: ctx.signal });
    const target = described.rows.length > 0 ? targetColumns(described.rows) : undefined;
    const views = target ? dependentViews((await warehouse.query(DEPENDENT_VIEWS_SQL, parameters, { signal: ctx.signal })).rows) : [];
    const sync = planTableSync({ table, keys, profile, target, dependentViews: views, integersFromValues: true });
    if (sync.problems.length > 0)
      throw new TerminalError('CONFLICT', `${file} cannot be loaded into ${table}: ${sync.problems.join('; ')}`);
    const sourceColumns = schema.fields.map((f) => f.name);
    const merge = planMerge({
      table,
      staging: stagingTable,
      keys,
      sourceColumns,
      target: sync.columns,
      duplicatesPossible: keyFilter?.maybeDuplicates ?? true,
      constants,
    });
    const viewSteps = viewConfigSteps(deps.views);
    const audit = auditTable(table);
    outcome.plan = [
      ...sync.steps,
      ...merge.prepare,
      {
        sql: `COPY ${stagingTable} (${[...sourceColumns, LINE_COLUMN].join(', ')}) FROM ${redshiftLiteral(stagingUri)} FORMAT AS CSV GZIP NULL AS ${redshiftLiteral('\\N')}`,
        reason: `load the ${report.rowsWritten} typed rows staged from ${file}`,
      },
      ...merge.merge,
      ...viewSteps,
      { sql: auditTableDdl(audit), reason: 'the audit table, if missing' },
      {
        sql: auditInsert(audit, {
          runId: deps.runId,
          jobId: deps.jobName,
          start,
          end: start,
          sourceFile: file,
          targetTable: table,
          read: 0,
          updated: 0,
          inserted: 0,
          rejected: 0,
          status: 'SUCCESS',
        }).sql,
        reason: 'audit row (values bound as parameters)',
      },
    ];

    if (config.dry_run) {
      outcome.status = 'PLANNED';
      return outcome;
    }

    stepDone(`planned: ${sync.create ? 'create the table' : `${sync.steps.length} table change(s)`}`);
    if (sync.steps.length > 0) {
      await warehouse.transaction(
        sync.steps.map((s) => s.sql),
        { signal: ctx.signal },
      );
      stepDone(`${sync.create ? 'created' : 'altered'} ${table}`, { statements: sync.steps.length });
    }
    await warehouse.transaction(
      merge.prepare.map((s) => s.sql),
      { signal: ctx.signal },
    );
    stagingCreated = true;
    await warehouse.loadCsv(
      { table: stagingTable, columns: [...sourceColumns, LINE_COLUMN], stagingUri, gzip: true, header: false, nullAs: '\\N' },
      { signal: ctx.signal },
    );
    stepDone(`COPY into ${stagingTable} done`);
    const affected = await warehouse.transaction(
      merge.merge.map((s) => s.sql),
      { signal: ctx.signal },
    );
    stagingCreated = false; // the merge dropped it
    stepDone(`merged into ${table}`);
    outcome.duplicates = affected[merge.counts.duplicates] ?? 0;
    outcome.updated = affected[merge.counts.replaced] ?? 0;
    outcome.inserted = (affected[merge.counts.inserted] ?? 0) - outcome.updated;
    const sink = ctx.counters.component('warehouse-merge', 'sink');
    sink.rowsIn += report.rowsWritten;
    sink.rowsOut += outcome.inserted + outcome.updated;
    if (viewSteps.length > 0)
      await warehouse.transaction(
        viewSteps.map((s) => s.sql),
        { signal: ctx.signal },
      );
    outcome.status = 'SUCCESS';
  } catch (error) {
    outcome.error = (error as Error).message;
    throw Object.assign(error as Error, { outcome });
  } finally {
    if (config.dry_run) await rm(stagingFile, { force: true });
    else await finish(file, config, ctx, deps, outcome, start, { stagingCreated, stagingTable, stagingUri });
  }
  return outcome;
}

/** Stopped by a shutdown signal (SIGTERM, SIGINT), as opposed to failed or stopped for too many rejects. */
function interrupted(signal: AbortSignal): boolean {
  return signal.aborted && isAbortError(signal.reason);
}

/**
 * Audit row, staging cleanup and the source file's move, on success and on failure alike; a file whose
 * run was interrupted stays where it is for the next run (seed 003's unprocessed/ is for files that fail).
 */
async function finish(
  file: string,
  config: CsvToRedshiftConfig,
  ctx: RunContext,
  deps: LoadDeps,
  outcome: FileOutcome,
  start: Date,
  staging: { stagingCreated: boolean; stagingTable: string; stagingUri: string },
): Promise<void> {
  const { objects, warehouse } = deps;
  const audit = auditTable(config.target_table);
  const steps: Array<[string, () => Promise<unknown>]> = [
    [
      'record the run in the audit table',
      async () => {
        await warehouse.query(auditTableDdl(audit));
        const row = auditInsert(audit, {
          runId: deps.runId,
          jobId: deps.jobName,
          start,
          end: new Date(),
          sourceFile: file,
          targetTable: config.target_table,
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
        if (staging.stagingCreated) await warehouse.query(`DROP TABLE IF EXISTS ${quoteQualified(staging.stagingTable)}`);
      },
    ],
    ['delete the staging files', async () => objects.deleteMany(await objectsUnder(objects, staging.stagingUri))],
    [
      'move the source file',
      async () => {
        if (!deps.archive) return;
        if (outcome.status !== 'SUCCESS' && interrupted(ctx.signal)) {
          // Stopped, not refused: nothing is wrong with the file, and the next run should load it.
          ctx.logger.warn(
            { file },
            `${file} left in place: the run was stopped before it finished with it; the next run loads it (the merge is one transaction and an upsert: the file lands whole, once)`,
          );
          return;
        }
        const now = new Date();
        const folder = outcome.status === 'SUCCESS' ? 'archive' : 'unprocessed';
        const slash = file.lastIndexOf('/');
        const destination = `${file.slice(0, slash + 1)}${folder}/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${file.slice(slash + 1)}`;
        await objects.move(file, destination);
        outcome.movedTo = destination;
      },
    ],
  ];
  for (const [what, step] of steps) {
    try {
      await step();
    } catch (error) {
      // Keep going: the other cleanups still matter, and the load's own outcome stands.
      ctx.logger.error({ file, err: error }, `could not ${what}: ${(error as Error).message}`);
    }
  }
}
