import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processStart, SpillFolder } from './spill-folder.js';

let tempDir: string;
beforeEach(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'spill-folder-spec-'));
});
afterEach(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

async function folderOf(name: string, owner: object | undefined): Promise<void> {
  await mkdir(join(tempDir, name));
  await writeFile(join(tempDir, name, 'x.spill'), 'rows');
  if (owner !== undefined) await writeFile(join(tempDir, name, 'owner.json'), JSON.stringify(owner));
}

describe('SpillFolder', () => {
  it('sweeps the folders of killed runs on this host, never the folder of a live run, of another host or without an owner', async () => {
    const start = processStart(process.pid);
    expect(start).toMatch(/^\d+$/);
    // A pid above Linux's pid_max (2^22) is never running.
    await folderOf('etl-spill-killed', { host: hostname(), pid: 2 ** 23, start: '12345' });
    await folderOf('etl-spill-reused-pid', { host: hostname(), pid: process.pid, start: `${start}0` });
    await folderOf('etl-spill-live', { host: hostname(), pid: process.pid, start });
    await folderOf('etl-spill-other-host', { host: `${hostname()}-elsewhere`, pid: 2 ** 23, start: '1' });
    await folderOf('etl-spill-no-owner', undefined);
    await folderOf('not-a-spill-folder', { host: hostname(), pid: 2 ** 23, start: '1' });

    const folder = new SpillFolder(tempDir);
    const file = folder.newFile('p0');
    const mine = file.slice(tempDir.length + 1).split('/')[0] as string;
    expect((await readdir(tempDir)).sort()).toEqual(
      ['etl-spill-live', 'etl-spill-no-owner', 'etl-spill-other-host', mine, 'not-a-spill-folder'].sort(),
    );
    // The new folder names its owner, so a later run sweeps it only once this process is gone.
    expect(await readdir(join(tempDir, mine))).toEqual(['owner.json']);
    await folder.remove();
    expect(await readdir(tempDir)).not.toContain(mine);
  });
});
