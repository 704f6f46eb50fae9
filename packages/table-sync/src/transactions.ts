import { DATA_API_MAX_BATCH_STATEMENTS } from '@etl/sql';
import type { PlanPhase, PlanStep } from './plan-sync.js';

/**
 * Units (statements that must commit together) packed in order into as few transactions as hold at
 * most `max` statements each: a Redshift Data API batch is one transaction of at most 40 statements
 * ("BatchExecuteStatement - Amazon Redshift Data API"). A unit is never split; one larger than `max`
 * gets a phase of its own, which the warehouse then refuses, naming it.
 */
export function packTransactions(units: readonly (readonly PlanStep[])[], max = DATA_API_MAX_BATCH_STATEMENTS): PlanPhase[] {
  const phases: PlanPhase[] = [];
  let current: PlanStep[] = [];
  for (const unit of units) {
    if (current.length > 0 && current.length + unit.length > max) {
      phases.push({ transaction: true, steps: current });
      current = [];
    }
    current.push(...unit);
  }
  if (current.length > 0) phases.push({ transaction: true, steps: current });
  return phases;
}
