import { readdir, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * Item spools of runs killed outright (SIGKILL, OOM, a lost instance: `remove` never ran) are swept by
 * the next export that spools into the same folder. A spool's folder is named for its owner,
 * `item-spool-<host>-<pid>-XXXXXX`: one is swept only when it was made on this host and its process is
 * no longer alive, so a live run's spool is never touched (another container sharing the folder has
 * another host name; a reused pid only keeps a dead run's spool one run longer). Folders of the
 * earlier naming (`item-spool-XXXXXX`, no owner) are swept once untouched for `legacyAfterHours`.
 */

export const SPOOL_PREFIX = 'item-spool-';

/** The folder-name prefix of this process's spools (`mkdtemp` adds 6 random characters). */
export function spoolPrefix(host: string = hostname(), pid: number = process.pid): string {
  return `${SPOOL_PREFIX}${folderHost(host)}-${pid}-`;
}

/** The host name as spool folders spell it (no separators or other characters a folder name may not hold). */
function folderHost(host: string): string {
  return host.replace(/[^A-Za-z0-9.]/g, '_');
}

/** Whether a folder below the spool parent is a spool to delete now (pure: the caller lists and deletes). */
export function isStaleSpool(
  name: string,
  info: { host: string; modifiedAt: Date; now: Date; alive: (pid: number) => boolean; legacyAfterHours: number },
): boolean {
  if (!name.startsWith(SPOOL_PREFIX)) return false;
  const owned = /^item-spool-(.+)-(\d+)-[A-Za-z0-9]{6}$/.exec(name);
  if (owned) {
    const [, host, pid] = owned;
    return host === folderHost(info.host) && !info.alive(Number(pid));
  }
  if (/^item-spool-[A-Za-z0-9]{6}$/.test(name)) return info.now.getTime() - info.modifiedAt.getTime() > info.legacyAfterHours * 3_600_000;
  return false;
}

/** Whether a process of this host is alive (`kill(pid, 0)`: EPERM means alive, another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes the stale spools below `parent` (see `isStaleSpool`); returns the folders deleted. A folder that cannot be read or deleted is left. */
export async function sweepStaleSpools(
  parent: string,
  options: { now?: Date; legacyAfterHours?: number; alive?: (pid: number) => boolean } = {},
): Promise<string[]> {
  const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
  const swept: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !entry.name.startsWith(SPOOL_PREFIX)) continue;
    const dir = join(parent, entry.name);
    const modifiedAt = await stat(dir).then(
      (s) => s.mtime,
      () => undefined,
    );
    if (!modifiedAt) continue;
    const stale = isStaleSpool(entry.name, {
      host: hostname(),
      modifiedAt,
      now: options.now ?? new Date(),
      alive: options.alive ?? processAlive,
      legacyAfterHours: options.legacyAfterHours ?? 24,
    });
    if (
      stale &&
      (await rm(dir, { recursive: true, force: true }).then(
        () => true,
        () => false,
      ))
    )
      swept.push(dir);
  }
  return swept;
}
