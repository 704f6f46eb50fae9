import { createShard, wholeRun, type Shard } from '@etl/core';

export const ARRAY_INDEX_VAR = 'AWS_BATCH_JOB_ARRAY_INDEX';
export const ARRAY_SIZE_VAR = 'AWS_BATCH_JOB_ARRAY_SIZE';

export type ShardResult = { ok: true; shard: Shard; sharded: boolean } | { ok: false; problems: string[] };

const INTEGER = /^\d+$/;

/**
 * This run's shard from AWS Batch's array variables: Batch sets both on each child of an array job
 * ("AWS Batch job environment variables", AWS Batch User Guide; the `AWS_BATCH_` prefix is reserved, so
 * neither can come from a job definition or an override). Neither set: the whole run. One set without
 * the other is not a Batch child: one line per problem, naming the variable.
 */
export function shardFromEnv(env: NodeJS.ProcessEnv): ShardResult {
  const rawIndex = env[ARRAY_INDEX_VAR]?.trim() || undefined;
  const rawSize = env[ARRAY_SIZE_VAR]?.trim() || undefined;
  if (rawIndex === undefined && rawSize === undefined) return { ok: true, shard: wholeRun, sharded: false };
  const problems: string[] = [];
  if (rawSize === undefined)
    problems.push(
      `${ARRAY_SIZE_VAR}: not set, but ${ARRAY_INDEX_VAR} is (${rawIndex}): AWS Batch sets both on an array job's children; set both, or neither`,
    );
  else if (!INTEGER.test(rawSize) || Number(rawSize) < 1) problems.push(`${ARRAY_SIZE_VAR}: must be a positive integer, got "${rawSize}"`);
  if (rawIndex === undefined)
    problems.push(`${ARRAY_INDEX_VAR}: not set, but ${ARRAY_SIZE_VAR} is (${rawSize}): run this as an AWS Batch array job child`);
  else if (!INTEGER.test(rawIndex)) problems.push(`${ARRAY_INDEX_VAR}: must be a non-negative integer, got "${rawIndex}"`);
  else if (rawSize !== undefined && INTEGER.test(rawSize) && Number(rawIndex) >= Number(rawSize))
    problems.push(`${ARRAY_INDEX_VAR}: ${rawIndex} is not below ${ARRAY_SIZE_VAR} ${rawSize}`);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, shard: createShard(Number(rawIndex), Number(rawSize)), sharded: true };
}
