export type { DedupCounts, DedupLatestOptions } from './dedup-latest.js';
export { DedupLatest, dedupLatest } from './dedup-latest.js';
export type { SpillOptions } from './options.js';
export { columnIndexes, spillDefaults } from './options.js';
export { compareOrder } from './order.js';
export { encodeKey, hashKey } from './key.js';
export { SpillFolder } from './spill-folder.js';
export type { JoinType, KeyJoinCounts, KeyJoinInput, KeyJoinInputCounts, KeyJoinOptions } from './key-join.js';
export { KeyFanoutError, KeyJoin, keyJoin } from './key-join.js';
