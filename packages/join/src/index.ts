export type { JoinPlan, JoinSettings, JoinTableSchema, JoinType, KeyNormalisation, PlannedTable } from './join-plan.js';
export { normaliseKey, parseJoinKeys, planJoin } from './join-plan.js';
export type { JoinDefinition, RecordedDefinition } from './join-definition.js';
export { changedDefinition, joinDefinition, readableDefinition } from './join-definition.js';
