import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Value } from '@etl/schema';
import { readSpillFile, SpillWriter } from './spill-file.js';
import { SpillFolder } from './spill-folder.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spill-file-spec-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(path: string): Promise<Value[][]> {
  const rows: Value[][] = [];
  for await (const batch of readSpillFile(path)) rows.push(...batch);
  return rows;
}

describe('spill files', () => {
  it('read back every row in the order written, across buffer flushes and read chunks', async () => {
    const writer = SpillWriter.create(join(dir, 'a.spill'));
    const rows: Value[][] = Array.from({ length: 50_000 }, (_, i) => [i, `row ${i}`, BigInt(i) * 1_000_000n, i % 3 === 0 ? null : i / 7]);
    for (const row of rows) writer.append(row);
    writer.close();
    expect(writer.rows).toBe(50_000);
    expect((await stat(writer.path)).size).toBe(writer.bytes);
    expect(await readAll(writer.path)).toEqual(rows);
  });

  it('hold rows larger than the write buffer and the read chunk', async () => {
    const writer = SpillWriter.create(join(dir, 'big.spill'));
    const rows: Value[][] = [['small'], ['x'.repeat(200_000), 1], ['é'.repeat(1_500_000)], ['after']];
    for (const row of rows) writer.append(row);
    writer.close();
    expect(await readAll(writer.path)).toEqual(rows);
  });

  it('refuse a truncated file, naming it', async () => {
    const writer = SpillWriter.create(join(dir, 'cut.spill'));
    writer.append(['a', 'b']);
    writer.close();
    const { truncate } = await import('node:fs/promises');
    await truncate(writer.path, writer.bytes - 1);
    await expect(readAll(writer.path)).rejects.toThrow(/cut\.spill ends inside a row/);
  });

  it('an empty file reads as no rows', async () => {
    const writer = SpillWriter.create(join(dir, 'empty.spill'));
    writer.close();
    expect(await readAll(writer.path)).toEqual([]);
  });
});

describe('SpillFolder', () => {
  it('makes one unique folder per operation only when a file is needed, and removes it whole', async () => {
    const base = join(dir, 'temp', 'nested');
    const a = new SpillFolder(base);
    const b = new SpillFolder(base);
    await a.remove();
    const fileA = a.newFile('p0');
    const fileB = b.newFile('p0');
    expect(fileA).not.toBe(fileB);
    const writer = SpillWriter.create(fileA);
    writer.close();
    expect((await readdir(base)).length).toBe(2);
    await a.remove();
    await b.remove();
    expect(await readdir(base)).toEqual([]);
  });

  it('says which tempDir cannot be written', async () => {
    const writer = SpillWriter.create(join(dir, 'a-file'));
    writer.close();
    expect(() => new SpillFolder(join(dir, 'a-file', 'below')).newFile('p0')).toThrow(/cannot make a spill folder in .*a-file\/below/);
  });
});
