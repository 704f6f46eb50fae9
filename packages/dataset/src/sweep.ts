import type { ObjectLocation, ObjectStore } from '@etl/object-store';
import { staleGenerations } from './generations.js';
import { keyBelow, listingUri, uriBelow } from './layout.js';
import { readManifest } from './manifest.js';

export interface SweepResult {
  /** URIs of the generation folders deleted. */
  generations: string[];
  /** Objects deleted. */
  objects: number;
}

/**
 * Deletes the generation folders of runs killed outright below a dataset's prefix (see
 * `staleGenerations` for which). Lists every object below the prefix: an append dataset's prefix
 * grows with every run, so this costs one LIST request per 1,000 objects.
 */
export async function sweepStaleGenerations(
  store: ObjectStore,
  folder: ObjectLocation,
  input: {
    template: string;
    currentRunId: string;
    /** Generations never swept (`retainGenerations`), as paths below the prefix. */
    retained?: readonly string[];
    now: Date;
    staleAfterHours: number;
    signal?: AbortSignal;
  },
): Promise<SweepResult> {
  const signal = input.signal ? { signal: input.signal } : {};
  const uris = new Map<string, string>();
  for await (const object of store.list(listingUri(folder), signal)) {
    const key = keyBelow(folder, object.uri);
    if (key !== undefined) uris.set(key, object.uri);
  }
  const manifest = await readManifest(store, uriBelow(folder, ''), signal);
  const stale = staleGenerations({
    keys: [...uris.keys()],
    template: input.template,
    published: [...(manifest?.generations ?? []), ...(input.retained ?? [])],
    currentRunId: input.currentRunId,
    now: input.now,
    staleAfterHours: input.staleAfterHours,
  });
  let objects = 0;
  for (const generation of stale)
    objects += await store.deleteMany(
      generation.keys.map((key) => uris.get(key) as string),
      signal,
    );
  return { generations: stale.map((g) => uriBelow(folder, g.generation)), objects };
}
