import { mkdirSync, statSync, type Stats } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * `mkdir -p`, returning the first folder it made (undefined when `dir` was there), as
 * `mkdir(dir, { recursive: true })` does. Made one level at a time: Node 20's recursive mkdir loops
 * forever, at full CPU and deaf to SIGTERM, under a folder where nothing can be made (`/proc/nope/out`);
 * one level at a time that is an `ENOENT` naming the folder, and a file in the way is `ENOTDIR`.
 */
export async function makeFolders(dir: string): Promise<string | undefined> {
  const missing: string[] = [];
  for (let at = dir; !there(dir, at, await stat(at).catch((error: Error) => error)); at = dirname(at)) missing.unshift(at);
  for (const folder of missing) await mkdir(folder).catch(unlessExisting);
  return missing[0];
}

/** `makeFolders`, synchronously. */
export function makeFoldersSync(dir: string): string | undefined {
  const missing: string[] = [];
  for (let at = dir; !there(dir, at, statOrError(at)); at = dirname(at)) missing.unshift(at);
  for (const folder of missing)
    try {
      mkdirSync(folder);
    } catch (error) {
      unlessExisting(error as Error);
    }
  return missing[0];
}

function statOrError(path: string): Stats | Error {
  try {
    return statSync(path);
  } catch (error) {
    return error as Error;
  }
}

/** Whether `at` (on the way up from `dir`) is a folder: false when missing, thrown when a file or unreadable. */
function there(dir: string, at: string, info: Stats | Error): boolean {
  if (info instanceof Error) {
    // The root is always there: an error about it is the file system's.
    if ((info as NodeJS.ErrnoException).code === 'ENOENT' && dirname(at) !== at) return false;
    throw info;
  }
  if (info.isDirectory()) return true;
  throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}' (${at} is a file)`), { code: 'ENOTDIR', path: at });
}

/** A folder made meanwhile by another writer is as good as one made here. */
function unlessExisting(error: Error): void {
  if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
}
