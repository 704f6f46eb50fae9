import { TerminalError, type RunContext } from '@etl/core';
import { viewBackupTable, type PlanPhase, type PlanStep } from '@etl/table-sync';
import type { Warehouse } from '@etl/warehouse';

/**
 * Runs the table's evolution phase by phase (`SyncPlan.phases`): a transaction as one Data API
 * batch, a `transaction: false` phase statement by statement (Redshift's ALTER COLUMN TYPE cannot
 * run in a transaction block). When a phase fails after the one that dropped the dependent views
 * committed, the compensation recreates them; what committed stays (new columns, VARCHAR widenings, whole
 * integer widenings: each leaves the table usable). The error says so, for the run's report.
 */
export async function runHarmonize(
  warehouse: Warehouse,
  input: { table: string; phases: readonly PlanPhase[]; compensation: readonly PlanStep[] },
  ctx: RunContext,
): Promise<void> {
  const options = { signal: ctx.signal };
  let viewsDropped = false;
  for (const phase of input.phases) {
    try {
      if (phase.transaction)
        await warehouse.transaction(
          phase.steps.map((s) => s.sql),
          options,
        );
      else for (const step of phase.steps) await warehouse.query(step.sql, {}, options);
      viewsDropped ||= phase.dropsViews === true;
    } catch (error) {
      if (!viewsDropped || input.compensation.length === 0) throw error;
      const cause = (error as Error).message;
      try {
        await warehouse.transaction(
          input.compensation.map((s) => s.sql),
          options,
        );
      } catch (compensation) {
        throw new TerminalError(
          'INTERNAL',
          `${input.table} could not be evolved: ${cause}; its dependent views could not be recreated either (${(compensation as Error).message}): they are kept in ${viewBackupTable(input.table)} and the next load recreates them`,
          { cause: error },
        );
      }
      throw new TerminalError(
        error instanceof TerminalError ? error.code : 'INTERNAL',
        `${input.table} could not be evolved: ${cause}; the table is usable: its dependent views were recreated, the changes that committed before stay (they are harmless on their own)`,
        { cause: error },
      );
    }
  }
}
