import { readManifest, type DatasetManifest } from '@etl/dataset';
import { joinUri, objectsBelow, type ObjectStore } from '@etl/object-store';

/** One published run of `<table>/changes/`: its partition values and its folder (which holds its `_manifest.json`). */
export interface ChangesRun {
  loadDate: string;
  runId: string;
  folder: string;
}

const RUN_MANIFEST = /(?:^|\/)load_date=([^/]+)\/run_id=([^/]+)\/_manifest\.json$/;

/**
 * Every published `changes` run of a table (a run folder with its manifest; a killed run's folder
 * has none), in run-id order: run ids start with their UTC start time, so this is the order they ran.
 * One listing of the folder, no object read.
 */
export async function publishedChanges(
  store: ObjectStore,
  changesPrefix: string,
  options: { signal?: AbortSignal } = {},
): Promise<ChangesRun[]> {
  const runs: ChangesRun[] = [];
  for await (const { key } of objectsBelow(store, changesPrefix, options)) {
    const [, loadDate, runId] = RUN_MANIFEST.exec(key) ?? [];
    if (loadDate && runId) runs.push({ loadDate, runId, folder: joinUri(changesPrefix, `load_date=${loadDate}/run_id=${runId}`) });
  }
  return runs.sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
}

/** The manifest of the last published `changes` run (in run-id order), or undefined when none was published. */
export async function lastPublishedChanges(
  store: ObjectStore,
  changesPrefix: string,
  options: { signal?: AbortSignal } = {},
): Promise<DatasetManifest | undefined> {
  const last = (await publishedChanges(store, changesPrefix, options)).at(-1);
  return last ? readManifest(store, last.folder, options) : undefined;
}
