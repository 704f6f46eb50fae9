import {
  auditTable,
  auditTableDdl,
  LINE_COLUMN,
  packTransactions,
  planMerge,
  planTableSync,
  viewConfigSteps,
  type MergeAuditRow,
  type PlanPhase,
  type PlanStep,
  type TargetColumn,
  type ViewDefinition,
  type ViewConfigEntry,
} from '@etl/table-sync';
import type { CsvLoad } from '@etl/warehouse';
import type { StagedFile } from './stage-file.js';

/**
 * Every statement of one file's load, in the order it runs, grouped by how it runs: the executor runs
 * exactly these (no SQL is written anywhere else), and a dry run prints them, so the plan shown is
 * the load that would run.
 */
export interface LoadPlan {
  /** The table created or evolved, every statement in order (`harmonizePhases` says how they run). */
  harmonize: PlanStep[];
  /** The same statements by how they run: transactions, and ALTERs that cannot run in one (`runHarmonize`). */
  harmonizePhases: PlanPhase[];
  /** Recreates the dependent views when a harmonize phase fails after they were dropped. */
  compensation: PlanStep[];
  /** The audit table if missing, the staging table: one transaction. */
  prepare: PlanStep[];
  /** The staged parts into the staging table; `sql` is the warehouse's own COPY statement for it. */
  copy: PlanStep & { load: CsvLoad };
  /** Dedupe, the SUCCESS audit row, delete replaced keys, insert, drop staging: one transaction; `counts` index its affected rows. */
  merge: PlanStep[];
  counts: { duplicates: number; replaced: number; inserted: number };
  /** Configured views: transactions of at most 40 statements (a Data API batch). */
  views: PlanPhase[];
  /** True when the table is created by this load. */
  create: boolean;
  /** Loads that cannot work (text into numbers, a missing key column): non-empty means do not load. */
  problems: string[];
}

export interface LoadPlanInput {
  file: string;
  table: string;
  keys: readonly string[];
  staged: StagedFile;
  stagingTable: string;
  stagingUri: string;
  /** The target's columns as the warehouse describes them; undefined: no such table. */
  target: TargetColumn[] | undefined;
  dependentViews: ViewDefinition[];
  views: readonly ViewConfigEntry[];
  /** The warehouse's COPY statement for a load (`Warehouse.copyStatement`). */
  copyStatement: (load: CsvLoad) => string;
  /** The SUCCESS audit row the merge writes (its counts come from the merge's own SQL). */
  audit: Omit<MergeAuditRow, 'targetTable' | 'sourceFile'>;
}

export function planLoad(input: LoadPlanInput): LoadPlan {
  const { staged, table } = input;
  const keys = [...input.keys];
  const sync = planTableSync({
    table,
    keys,
    profile: staged.profile,
    target: input.target,
    dependentViews: input.dependentViews,
    integersFromValues: true,
  });
  const sourceColumns = staged.schema.fields.map((f) => f.name);
  const merge = planMerge({
    table,
    staging: input.stagingTable,
    keys,
    sourceColumns,
    target: sync.columns,
    duplicatesPossible: staged.duplicatesPossible,
    constants: staged.constants,
    audit: { table: auditTable(table), row: { ...input.audit, sourceFile: input.file, targetTable: table } },
  });
  const load: CsvLoad = {
    table: input.stagingTable,
    columns: [...sourceColumns, LINE_COLUMN],
    stagingUri: input.stagingUri,
    gzip: true,
    header: false,
    nullAs: '\\N',
  };
  return {
    harmonize: sync.steps,
    harmonizePhases: sync.phases,
    compensation: sync.compensation,
    prepare: [{ sql: auditTableDdl(auditTable(table)), reason: 'the audit table, if missing' }, ...merge.prepare],
    copy: { sql: input.copyStatement(load), reason: `load the ${staged.report.rowsWritten} typed rows staged from ${input.file}`, load },
    merge: merge.merge,
    counts: merge.counts,
    views: packTransactions(viewConfigSteps(input.views).map((step) => [step])),
    create: sync.create,
    problems: sync.problems,
  };
}

/** The plan's statements in the order they run. */
export function planSteps(plan: LoadPlan): PlanStep[] {
  const { load: _load, ...copy } = plan.copy;
  return [...plan.harmonize, ...plan.prepare, copy, ...plan.merge, ...plan.views.flatMap((p) => p.steps)];
}
