import { isAbsolute, join, relative, sep } from 'node:path';
import { formatObjectUri, parseObjectUri, type ObjectLocation } from '@etl/object-store';
import { hiveEscape } from './partition-path.js';

/**
 * Where a dataset's objects go: `<prefix>/<generation>/<partition folders>/part-NNNNN.snappy.parquet`,
 * the generation's last segment being `run_id=<run id>`, and the manifest `_manifest.json` (at the
 * prefix, or in the run's folder for append datasets). Keys here are paths below a folder, with
 * `/` between segments and every character as it is (a `%` of a Hive-escaped value stays a `%` on disk).
 */

export const MANIFEST_NAME = '_manifest.json';
export const RUN_ID_KEY = 'run_id';
export const RUN_ID_PLACEHOLDER = '{runId}';
export const DEFAULT_GENERATION = `${RUN_ID_KEY}=${RUN_ID_PLACEHOLDER}`;

/** The run's folder below the prefix: the template with the run id in place of `{runId}`. */
export function generationPath(template: string, runId: string): string {
  return template.replaceAll(RUN_ID_PLACEHOLDER, hiveEscape(runId));
}

/** The n-th part file of a run (one counter over all partitions, so names never repeat within a run). */
export function partFileName(index: number): string {
  return `part-${String(index).padStart(5, '0')}.snappy.parquet`;
}

/**
 * The generation folder a key lies in and its run id, when its first folders have the shape of the
 * generation template: as many, each with the template's key (`load_date=…`) or literal name, the last
 * `run_id=…` (`load_date=2026-12-06/run_id=X/k=v/part-00000.snappy.parquet` -> `load_date=2026-12-06/run_id=X`
 * for `load_date=…/run_id={runId}`). Any other key is not this writer's.
 */
export function generationOf(key: string, template: string = DEFAULT_GENERATION): { generation: string; runId: string } | undefined {
  const shape = template.split('/');
  const segments = key.split('/');
  // At least one segment more than the folders: the object's own name.
  if (segments.length <= shape.length) return undefined;
  for (let i = 0; i < shape.length; i++) {
    const want = i === shape.length - 1 ? `${RUN_ID_KEY}=` : (shape[i] as string);
    const got = segments[i] as string;
    const equals = want.indexOf('=');
    if (equals === -1 ? got !== want : !got.startsWith(want.slice(0, equals + 1))) return undefined;
  }
  const last = segments[shape.length - 1] as string;
  return { generation: segments.slice(0, shape.length).join('/'), runId: last.slice(RUN_ID_KEY.length + 1) };
}

/** A folder URI (`s3://b/p`, a path, `file:///…`) as a location without a trailing separator. */
export function folderLocation(uri: string): ObjectLocation {
  const location = parseObjectUri(uri);
  return location.scheme === 's3'
    ? { ...location, key: location.key.replace(/\/+$/, '') }
    : { ...location, path: location.path.length > 1 ? location.path.replace(/[\\/]+$/, '') : location.path };
}

/** The folder's URI with a trailing `/`: what to list to get the objects below it and nothing beside it. */
export function listingUri(folder: ObjectLocation): string {
  return folder.scheme === 's3'
    ? `s3://${folder.bucket}/${folder.key === '' ? '' : `${folder.key}/`}`
    : formatObjectUri({ scheme: 'file', path: folder.path.endsWith(sep) ? folder.path : folder.path + sep });
}

/** The folder `key` below a folder. */
export function folderBelow(folder: ObjectLocation, key: string): ObjectLocation {
  if (key === '') return folder;
  return folder.scheme === 's3'
    ? { ...folder, key: [folder.key, key].filter((p) => p !== '').join('/') }
    : { scheme: 'file', path: join(folder.path, ...key.split('/')) };
}

/** The URI of `key` below the folder (an empty key: the folder itself). */
export function uriBelow(folder: ObjectLocation, key: string): string {
  if (folder.scheme === 's3') return `s3://${folder.bucket}/${[folder.key, key].filter((p) => p !== '').join('/')}`;
  return formatObjectUri({ scheme: 'file', path: key === '' ? folder.path : join(folder.path, ...key.split('/')) });
}

/** The key below the folder of a URI as listings give it; undefined when it is not below the folder. */
export function keyBelow(folder: ObjectLocation, uri: string): string | undefined {
  const location = parseObjectUri(uri);
  if (folder.scheme === 's3') {
    if (location.scheme !== 's3' || location.bucket !== folder.bucket) return undefined;
    if (folder.key === '') return location.key;
    return location.key.startsWith(`${folder.key}/`) ? location.key.slice(folder.key.length + 1) : undefined;
  }
  if (location.scheme !== 'file') return undefined;
  const below = relative(folder.path, location.path);
  return below === '' || below === '..' || below.startsWith(`..${sep}`) || isAbsolute(below) ? undefined : below.split(sep).join('/');
}
