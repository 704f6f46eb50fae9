import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, open, opendir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { basename, dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { makeFolders, TerminalError } from '@etl/core';
import { countBytes, toReadable } from '../body.js';
import type { Body, GetOptions, ListOptions, ObjectInfo, ObjectStore, PutOptions, PutResult } from '../object-store.js';
import { formatObjectUri, parseObjectUri } from '../uri.js';
import { resolveRange } from './range.js';

const TEMP_SUFFIX = '.etl-part';

/**
 * Objects as local files (`file://` URIs and plain paths): the embedded default. Writes go to a
 * hidden temp file beside the target, are fsynced, and renamed into place, so a reader never sees a
 * half-written file and a crash leaves at most a hidden `*.etl-part` file that listing ignores.
 */
export class LocalObjectStore implements ObjectStore {
  async get(uri: string, options: GetOptions = {}): Promise<Readable> {
    const path = filePath(uri);
    const info = await statFile(path);
    if (!info) throw notFound(uri);
    const range = resolveRange(options.range, info.size, uri);
    // 256 KiB reads: fewer, larger chunks for parsers downstream (the default 64 KiB costs more per byte).
    return createReadStream(path, { highWaterMark: 256 * 1024, ...range, ...(options.signal ? { signal: options.signal } : {}) });
  }

  async head(uri: string): Promise<ObjectInfo | undefined> {
    const path = filePath(uri);
    const info = await statFile(path);
    return info && { uri: formatObjectUri({ scheme: 'file', path }), size: info.size, lastModified: info.mtime };
  }

  async *list(prefixUri: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    const prefix = filePath(prefixUri);
    const root = prefix.endsWith(sep) ? prefix : dirname(prefix);
    for await (const path of walkSorted(root)) {
      options.signal?.throwIfAborted();
      if (!path.startsWith(prefix) || path.endsWith(TEMP_SUFFIX)) continue;
      const info = await statFile(path);
      if (info) yield { uri: formatObjectUri({ scheme: 'file', path }), size: info.size, lastModified: info.mtime };
    }
  }

  async put(uri: string, body: Body, options: PutOptions = {}): Promise<PutResult> {
    const path = filePath(uri);
    const counter = { bytes: 0 };
    await writeAtomically(path, async (temp) => {
      const file = createWriteStream(temp, { flags: 'wx' });
      try {
        await pipeline(countBytes(toReadable(body), counter), file, { ...(options.signal ? { signal: options.signal } : {}) });
      } catch (error) {
        // An aborted pipeline settles before the file is closed (or even opened); remove it only after.
        if (!file.closed) await once(file, 'close');
        throw error;
      }
    });
    return { uri: formatObjectUri({ scheme: 'file', path }), size: counter.bytes };
  }

  async copy(fromUri: string, toUri: string): Promise<void> {
    const from = filePath(fromUri);
    if (!(await statFile(from))) throw notFound(fromUri);
    await writeAtomically(filePath(toUri), (temp) => copyFile(from, temp));
  }

  async move(fromUri: string, toUri: string): Promise<void> {
    const from = filePath(fromUri);
    const to = filePath(toUri);
    if (!(await statFile(from))) throw notFound(fromUri);
    await makeFolders(dirname(to));
    try {
      await rename(from, to); // atomic on one file system
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      await this.copy(fromUri, toUri);
      await rm(from, { force: true });
    }
  }

  async deleteMany(uris: Iterable<string>): Promise<number> {
    let count = 0;
    for (const uri of uris) {
      await rm(filePath(uri), { force: true });
      count++;
    }
    return count;
  }
}

function filePath(uri: string): string {
  const location = parseObjectUri(uri);
  if (location.scheme !== 'file') throw new TerminalError('BAD_ARGUMENT', `not a local path: ${uri}`);
  return location.path;
}

function notFound(uri: string): TerminalError {
  return new TerminalError('NOT_FOUND', `${uri} does not exist`);
}

async function statFile(path: string) {
  try {
    const info = await stat(path);
    return info.isFile() ? info : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/**
 * Writes through a hidden temp file, fsyncs it, then renames it over `path`. A failure leaves nothing
 * behind, not even the folders made for it (S3 has none: a failed upload leaves no trace there).
 */
async function writeAtomically(path: string, write: (tempPath: string) => Promise<void>): Promise<void> {
  const madeFrom = await makeFolders(dirname(path));
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  try {
    await write(temp);
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    if (madeFrom !== undefined) await removeEmptyFolders(dirname(path), madeFrom);
    throw error;
  }
}

/**
 * `from` and its parents up to `top` (included), each only while empty: another write may be filling
 * one. (Another write that made the same folder and has not yet opened its temp file in it can lose
 * it here and fail: rare enough, and that write fails cleanly, leaving nothing, to be run again.)
 */
async function removeEmptyFolders(from: string, top: string): Promise<void> {
  for (let dir = from; dir.length >= top.length; dir = dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      return; // not empty (or gone): what is above it stays too
    }
  }
}

/** Files below `root`, in the order S3 would list their keys (UTF-8 byte order of the full path). */
async function* walkSorted(root: string): AsyncGenerator<string> {
  let dir;
  try {
    dir = await opendir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw error;
  }
  const entries: Array<{ name: string; sortKey: Buffer; isDir: boolean }> = [];
  for await (const entry of dir) {
    if (!entry.isFile() && !entry.isDirectory()) continue;
    entries.push({
      name: entry.name,
      isDir: entry.isDirectory(),
      sortKey: Buffer.from(entry.isDirectory() ? `${entry.name}/` : entry.name),
    });
  }
  entries.sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
  for (const entry of entries) {
    const path = join(root, entry.name);
    if (entry.isDir) yield* walkSorted(path);
    else yield path;
  }
}
