import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFolders, makeFoldersSync } from './folders.js';

const base = mkdtempSync(join(tmpdir(), 'folders-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe.each([
  ['makeFolders', makeFolders],
  ['makeFoldersSync', async (dir: string) => makeFoldersSync(dir)],
])('%s', (name, make) => {
  it('makes the missing folders and returns the first it made, as mkdir -p does', async () => {
    const top = join(base, name);
    expect(await make(join(top, 'a', 'b'))).toBe(top);
    expect(existsSync(join(top, 'a', 'b'))).toBe(true);
    expect(await make(join(top, 'a', 'b'))).toBeUndefined();
    expect(await make(join(top, 'a', 'c'))).toBe(join(top, 'a', 'c'));
  });

  it('fails at once where no folder can be made, and under a file in the way (recursive mkdir spins under /proc on Node 20)', async () => {
    if (existsSync('/proc/self')) await expect(make('/proc/nope/out')).rejects.toMatchObject({ code: 'ENOENT', path: '/proc/nope' });
    const file = join(base, `${name}-file`);
    writeFileSync(file, 'x');
    await expect(make(join(file, 'under'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(make(file)).rejects.toMatchObject({ code: 'ENOTDIR', path: file });
  });
});
