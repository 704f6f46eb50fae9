import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { makeFoldersSync, TerminalError } from '@etl/core';

const PREFIX = 'etl-spill-';
/** The file in each spill folder naming the process that owns it. */
const OWNER_FILE = 'owner.json';

interface Owner {
  host: string;
  pid: number;
  /** The process's start time (Linux: `/proc/<pid>/stat` field 22), so a reused pid is not taken for the owner. */
  start: string;
}

/**
 * One operation's own folder under `tempDir` (`etl-spill-<random>`), made on first use and removed
 * with everything in it by `remove()` (callers do so in `finally`: after success, error and abort).
 * A folder per operation means a run killed outright (kill -9) leaves a folder no later run reads:
 * nothing is ever looked up by a fixed name. Such folders are swept when a later operation makes its
 * folder in the same `tempDir`: each folder holds `owner.json` (host, pid and the process's start time),
 * and a folder is removed only when its owner is of this host and no process of that pid and start
 * time is running (a live run's folder cannot match). Folders without an owner file are left alone;
 * where the start time cannot be read (no `/proc`), no owner file is written and nothing is swept.
 */
export class SpillFolder {
  private path: string | undefined;
  private files = 0;

  constructor(private readonly tempDir: string) {}

  /** A new file path inside the folder (the folder is made on the first call). */
  newFile(label: string): string {
    if (this.path === undefined) {
      try {
        makeFoldersSync(this.tempDir);
        sweepStaleFolders(this.tempDir);
        this.path = mkdtempSync(join(this.tempDir, PREFIX));
        const start = processStart(process.pid);
        if (start !== undefined) {
          const owner: Owner = { host: hostname(), pid: process.pid, start };
          writeFileSync(join(this.path, OWNER_FILE), JSON.stringify(owner));
        }
      } catch (error) {
        throw new TerminalError(
          'IO',
          `cannot make a spill folder in ${this.tempDir}: ${(error as Error).message}; give a writable tempDir`,
          {
            cause: error,
          },
        );
      }
    }
    return join(this.path, `${label}-${this.files++}.spill`);
  }

  /** Removes the folder and every file in it (nothing when none was made). */
  async remove(): Promise<void> {
    const path = this.path;
    this.path = undefined;
    if (path !== undefined) await rm(path, { recursive: true, force: true });
  }
}

/** Removes the spill folders under `tempDir` whose owning process is gone (best effort: any error leaves a folder). */
export function sweepStaleFolders(tempDir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(tempDir).filter((name) => name.startsWith(PREFIX));
  } catch {
    return removed;
  }
  const host = hostname();
  for (const name of names) {
    const folder = join(tempDir, name);
    try {
      const owner = JSON.parse(readFileSync(join(folder, OWNER_FILE), 'utf8')) as Partial<Owner>;
      if (owner.host !== host || typeof owner.pid !== 'number' || typeof owner.start !== 'string') continue;
      if (processStart(owner.pid) === owner.start) continue;
      rmSync(folder, { recursive: true, force: true });
      removed.push(folder);
    } catch {
      // No owner file (being made, or from an older version) or unreadable: not ours to judge.
    }
  }
  return removed;
}

/** When process `pid` started (clock ticks since boot), or undefined when it is not running or this OS has no `/proc`. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3; the start time is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
