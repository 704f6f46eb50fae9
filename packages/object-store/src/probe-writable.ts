import { randomBytes } from 'node:crypto';
import type { ObjectStore } from './object-store.js';
import { joinUri } from './uri.js';

/**
 * Proves `folderUri` takes writes before a run does what it cannot take back (DynamoDB items written
 * before a held output is published): writes an empty hidden object `.etl-probe-<random>` there and
 * deletes it. Fails as the store fails (a missing bucket, access denied, a local folder that cannot
 * be made); a probe the store lets write but not delete stays (a name starting with a dot, which
 * Athena and Glue skip). Local folders made for it stay: the output goes there.
 */
export async function probeWritable(store: ObjectStore, folderUri: string, options: { signal?: AbortSignal } = {}): Promise<void> {
  const probe = joinUri(folderUri, `.etl-probe-${randomBytes(6).toString('hex')}`);
  await store.put(probe, '', options);
  // Deleted whatever the run's signal says meanwhile: a stopped run leaves no probe behind.
  await store.deleteMany([probe]).catch(() => undefined);
}
