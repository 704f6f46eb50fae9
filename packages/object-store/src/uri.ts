import { isAbsolute, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TerminalError } from '@etl/core';

export type ObjectLocation = { scheme: 's3'; bucket: string; key: string } | { scheme: 'file'; path: string };

/**
 * Parses `s3://bucket/key`, `file:///abs/path` or a plain (relative or absolute) path.
 * Plain paths resolve against the working directory, so `./out/x.parquet` just works.
 */
export function parseObjectUri(uri: string): ObjectLocation {
  if (uri.startsWith('s3://') || uri.startsWith('s3a://')) {
    const rest = uri.slice(uri.indexOf('://') + 3);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const key = slash === -1 ? '' : rest.slice(slash + 1);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new TerminalError('BAD_ARGUMENT', `"${uri}" does not name a valid S3 bucket (3-63 lowercase letters, digits, dots, hyphens)`);
    }
    return { scheme: 's3', bucket, key };
  }
  if (uri.startsWith('file:')) return { scheme: 'file', path: fileURLToPath(uri) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new TerminalError('BAD_ARGUMENT', `unsupported location "${uri}": use s3://bucket/key, file:///path or a local path`);
  }
  // `s3:/bucket/key` or `s3:bucket` is a URI mistyped, not a folder named `s3:` under the working
  // directory: a scheme followed by a slash, or a store's scheme. (`C:\x` has a one-letter "scheme";
  // `export-10:00.csv` is a file name.)
  if (/^[a-z][a-z0-9+.-]+:[\\/]/i.test(uri) || /^(s3[an]?|gs|https?):/i.test(uri))
    throw new TerminalError(
      'BAD_ARGUMENT',
      `"${uri}" is neither a URI nor a path: use s3://bucket/key, file:///path or a local path (./${uri} for a file so named)`,
    );
  if (uri === '') throw new TerminalError('BAD_ARGUMENT', 'empty location');
  const path = isAbsolute(uri) ? uri : resolve(uri);
  // A trailing slash means "this folder" for listing, as an S3 prefix `dir/` does; resolve() drops it.
  return { scheme: 'file', path: uri.endsWith('/') && !path.endsWith(sep) ? path + sep : path };
}

/** Why `uri` names no place data can be (`parseObjectUri`'s refusal), or undefined. */
export function locationProblem(uri: string): string | undefined {
  try {
    parseObjectUri(uri);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Why `path` is not a folder on this machine (an S3 URI, a mistyped one), or undefined. */
export function localFolderProblem(path: string): string | undefined {
  const problem = locationProblem(path);
  if (problem) return problem;
  // A file: URI too: a folder argument is used as a path (joined, made), where `file:///x` would be a folder named `file:`.
  if (path.startsWith('file:')) return `"${path}" is a URI: give the folder as a path`;
  return parseObjectUri(path).scheme === 'file' ? undefined : `"${path}" is not a folder on this machine: give a local path`;
}

export function formatObjectUri(location: ObjectLocation): string {
  return location.scheme === 's3' ? `s3://${location.bucket}/${location.key}` : pathToFileURL(location.path).href;
}

/** Joins a prefix URI and a relative key with exactly one `/`. */
export function joinUri(prefix: string, ...parts: string[]): string {
  return [prefix.replace(/\/+$/, ''), ...parts.map((p) => p.replace(/^\/+|\/+$/g, ''))].filter((p) => p !== '').join('/');
}
