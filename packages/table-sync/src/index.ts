export type { ColumnKind, TargetColumn } from './target-columns.js';
export { DESCRIBE_TABLE_SQL, tableParameters, targetColumns } from './target-columns.js';
export { SourceProfile } from './source-profile.js';
export { DuplicateKeyFilter } from './key-filter.js';
export type { PlanPhase, PlanStep, SyncInput, SyncPlan, ViewDefinition } from './plan-sync.js';
export { packTransactions } from './transactions.js';
export {
  backedUpViews,
  targetKey,
  viewBackupQuery,
  viewBackupSteps,
  viewBackupTable,
  viewRestoreSteps,
  VIEW_BACKUP_EXISTS_SQL,
} from './view-backup.js';
export { planTableSync } from './plan-sync.js';
export type { MergePlan } from './merge-plan.js';
export { planMerge, LINE_COLUMN } from './merge-plan.js';
export type { AuditRow, MergeAuditRow } from './audit.js';
export { auditTable, auditTableDdl, auditInsert, auditMergeInsert, auditLoadedSql, AUDIT_EXISTS_SQL } from './audit.js';
export type { ViewConfigEntry } from './views.js';
export { VIEW_DEPENDENTS_SQL, dependentViews, orderDependentViews, viewConfigSteps } from './views.js';
export type { StagingLeftovers } from './staging-names.js';
export { STAGING_TABLES_SQL, stagingLeftovers, stagingTableName } from './staging-names.js';
