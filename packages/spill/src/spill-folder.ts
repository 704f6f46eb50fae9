import { mkdirSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TerminalError } from '@etl/core';

/**
 * One operation's own folder under `tempDir` (`etl-spill-<random>`), made on first use and removed
 * with everything in it by `remove()` (callers do so in `finally`: after success, error and abort).
 * A folder per operation means a run killed outright (kill -9) leaves a folder no later run reads:
 * nothing is ever looked up by a fixed name.
 */
export class SpillFolder {
  private path: string | undefined;
  private files = 0;

  constructor(private readonly tempDir: string) {}

  /** A new file path inside the folder (the folder is made on the first call). */
  newFile(label: string): string {
    if (this.path === undefined) {
      try {
        mkdirSync(this.tempDir, { recursive: true });
        this.path = mkdtempSync(join(this.tempDir, 'etl-spill-'));
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
