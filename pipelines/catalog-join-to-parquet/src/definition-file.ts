import { text } from 'node:stream/consumers';
import { TerminalError } from '@etl/core';
import type { RecordedDefinition } from '@etl/join';
import type { ObjectStore } from '@etl/object-store';

/** Where the definition is kept: beside the timestamp file, `<timestamp_s3_path>.join.json`. */
export const definitionUri = (timestampUri: string) => `${timestampUri}.join.json`;

/** The recorded definition, or undefined when there is none (state written before definitions were recorded, or none at all). */
export async function readDefinition(
  store: ObjectStore,
  timestampUri: string,
  signal?: AbortSignal,
): Promise<RecordedDefinition | undefined> {
  const uri = definitionUri(timestampUri);
  if (!(await store.head(uri))) return undefined;
  const body = await text(await store.get(uri, signal ? { signal } : {}));
  try {
    const parsed = JSON.parse(body) as Partial<RecordedDefinition>;
    if (typeof parsed.fingerprint === 'string' && typeof parsed.readable === 'string' && parsed.definition)
      return parsed as RecordedDefinition;
  } catch {
    /* reported below */
  }
  throw new TerminalError('CONFIG', `${uri} is not a recorded join definition; delete it and run with --load_type full`);
}

/** Replaces the recorded definition (one `put`): after the publish, before the watermarks (see the README). */
export async function writeDefinition(
  store: ObjectStore,
  timestampUri: string,
  recorded: RecordedDefinition,
  runId: string,
): Promise<void> {
  await store.put(definitionUri(timestampUri), `${JSON.stringify({ ...recorded, run_id: runId }, null, 1)}\n`, {
    contentType: 'application/json',
  });
}
