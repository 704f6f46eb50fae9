import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { objectStoreContract } from '../object-store.contract.js';
import { LocalObjectStore } from './local-object-store.js';

const base = mkdtempSync(join(tmpdir(), 'object-store-local-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

function tempFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.etl-part'))
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

objectStoreContract('local files', () => ({
  store: new LocalObjectStore(),
  root: () => pathToFileURL(join(base, `t${++n}`)).href + '/',
  leftovers: async (prefixUri) => {
    try {
      return tempFiles(new URL(prefixUri).pathname);
    } catch {
      return [];
    }
  },
}));

describe('LocalObjectStore', () => {
  it('accepts plain relative and absolute paths as well as file:// URIs', async () => {
    const store = new LocalObjectStore();
    const path = join(base, 'plain', 'x.txt');
    await store.put(path, 'x');
    expect((await store.head(pathToFileURL(path).href))?.size).toBe(1);
  });

  it('does not list hidden temp files of writes in progress', async () => {
    const store = new LocalObjectStore();
    const dir = join(base, 'hidden');
    await store.put(join(dir, 'done.csv'), 'a');
    writeFileSync(join(dir, '.partial.csv.abc.etl-part'), 'half');
    const listed = [];
    for await (const o of store.list(dir + '/')) listed.push(o.uri);
    expect(listed).toEqual([pathToFileURL(join(dir, 'done.csv')).href]);
  });

  it('leaves no folder behind from a failed write, only the ones it did not make', async () => {
    const store = new LocalObjectStore();
    const kept = join(base, 'failed', 'kept');
    mkdirSync(kept, { recursive: true });
    const failing = async function* () {
      yield Buffer.from('half');
      throw new Error('the source broke');
    };
    await expect(store.put(join(kept, 'run_date=2026-12-07', 'deeper', 'x.parquet'), failing())).rejects.toThrow('the source broke');
    expect(existsSync(kept)).toBe(true);
    expect(readdirSync(kept)).toEqual([]);
    // A folder another object is in stays, and so does the object.
    await store.put(join(kept, 'other', 'y.csv'), 'y');
    await expect(store.put(join(kept, 'other', 'new', 'z.csv'), failing())).rejects.toThrow('the source broke');
    expect(readdirSync(kept, { recursive: true }).sort()).toEqual(['other', join('other', 'y.csv')]);
  });

  it('fails at once where no folder can be made, naming it, and under a file in the way (Node 20 spun forever under /proc)', async () => {
    const store = new LocalObjectStore();
    // procfs refuses every new folder with ENOENT, which Node's recursive mkdir retries without end.
    if (existsSync('/proc/self'))
      await expect(store.put('/proc/nope/out/x.csv', 'x')).rejects.toMatchObject({ code: 'ENOENT', path: '/proc/nope' });
    const file = join(base, 'a-file');
    writeFileSync(file, 'x');
    await expect(store.put(join(file, 'under', 'x.csv'), 'x')).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(store.move(file, join(file, 'moved.csv'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});
