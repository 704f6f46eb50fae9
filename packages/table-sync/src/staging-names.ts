import { runStartedAt } from '@etl/core';

/**
 * Names of what a load stages, and which of them a killed run left behind. A staging table is
 * `stg_<run id>_<file index>` in the target's schema and its files sit under `<staging prefix>/<run
 * id>/<file index>/`; a run that ends (well or badly) drops and deletes its own, but one killed
 * outright (SIGKILL, an instance gone) cannot. The run id carries its start time
 * (`20261203T094938123Z-db8f5ed8`), so later runs can tell such leftovers by age alone, without a
 * registry of runs. Pure.
 */

const STAGING_TABLE = /^stg_(\d{8}t\d{6}(?:\d{3})?z_[0-9a-f]{8})_\d+$/;

/** Lists the staging-shaped tables of a schema (parameter `schema`); `stagingLeftovers` picks the old ones. */
export const STAGING_TABLES_SQL =
  "SELECT table_name FROM information_schema.tables WHERE table_schema = :schema AND table_name LIKE 'stg%' ORDER BY table_name";

/** The staging table's name for a run's n-th file: lower case, as unquoted SQL names fold. */
export function stagingTableName(runId: string, index: number): string {
  return `stg_${`${runId}_${index}`.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
}

export interface StagingLeftovers {
  /** Staging tables of runs that started more than `maxAgeHours` ago. */
  tables: string[];
  /** Run-id folders directly under the staging prefix, same rule. */
  runFolders: string[];
}

/**
 * The staging tables and run folders older than `maxAgeHours` (by the start time in their run id),
 * never the current run's. Anything not named the way a load names it is left alone, so a shared
 * schema or prefix only ever loses what a load of this kind made. The age keeps a run that is still
 * going (another load of the same table, started elsewhere) safe: no file's load takes that long.
 */
export function stagingLeftovers(input: {
  tables: readonly string[];
  runFolders: readonly string[];
  currentRunId: string;
  now: Date;
  maxAgeHours: number;
}): StagingLeftovers {
  const cutoff = input.now.getTime() - input.maxAgeHours * 3_600_000;
  const same = (runId: string) => runId.toLowerCase().replace('-', '_');
  const old = (runId: string) => {
    // Run ids as `newRunId` makes them (in a table name, lower case with `_` for `-`); any other is never a leftover.
    const started = runStartedAt(runId.replace('_', '-'));
    return started !== undefined && started.getTime() < cutoff && same(runId) !== same(input.currentRunId);
  };
  return {
    tables: input.tables.filter((name) => {
      const m = STAGING_TABLE.exec(name);
      return m !== null && old(m[1] as string);
    }),
    runFolders: input.runFolders.filter(old),
  };
}
