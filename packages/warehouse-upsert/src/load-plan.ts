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
  /** The audit table if missing, the staging table (`stagingTableSteps`): one transaction, before staging ends. */
  prepare: PlanStep[];
  /** One COPY per staged part into the staging table, each run as its part is stored; `sql` is the warehouse's own COPY statement. */
  copies: Array<PlanStep & { load: CsvLoad }>;
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
  /** The staging table's statements (`stagingTableSteps`), as they ran or will run. */
  stagingSteps: readonly PlanStep[];
  /** The staged parts' URIs, in order: one COPY each. */
  parts: readonly string[];
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
  return {
    harmonize: sync.steps,
    harmonizePhases: sync.phases,
    compensation: sync.compensation,
    prepare: stagingPrepare(table, input.stagingSteps),
    copies: input.parts.map((uri, n) =>
      copyStep(
        input.stagingTable,
        sourceColumns,
        uri,
        input.copyStatement,
        `part ${n + 1} of ${input.parts.length} staged from ${input.file}`,
      ),
    ),
    merge: merge.merge,
    counts: merge.counts,
    views: packTransactions(viewConfigSteps(input.views).map((step) => [step])),
    create: sync.create,
    problems: sync.problems,
  };
}

/** The transaction run before staging ends: the audit table if missing, then the staging table. */
export function stagingPrepare(table: string, stagingSteps: readonly PlanStep[]): PlanStep[] {
  return [{ sql: auditTableDdl(auditTable(table)), reason: 'the audit table, if missing' }, ...stagingSteps];
}

/** The COPY of one staged part (a part's full URI is a prefix only it has: parts are numbered in five digits). */
export function copyStep(
  stagingTable: string,
  sourceColumns: readonly string[],
  partUri: string,
  copyStatement: (load: CsvLoad) => string,
  what: string,
): PlanStep & { load: CsvLoad } {
  const load: CsvLoad = {
    table: stagingTable,
    columns: [...sourceColumns, LINE_COLUMN],
    stagingUri: partUri,
    gzip: true,
    header: false,
    nullAs: '\\N',
  };
  return { sql: copyStatement(load), reason: `load ${what}`, load };
}

/**
 * The plan's statements in the order they run: the staging table and each part's COPY while the file
 * is staged, then the table created or evolved, the merge, the views.
 */
export function planSteps(plan: LoadPlan): PlanStep[] {
  const copies = plan.copies.map(({ load: _load, ...copy }) => copy);
  return [...plan.prepare, ...copies, ...plan.harmonize, ...plan.merge, ...plan.views.flatMap((p) => p.steps)];
}
