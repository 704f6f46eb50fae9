import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Value } from '@etl/schema';
import { maxRecordBytes, readRecordRow, recordLength, writeRecord, type RecordLayout } from './record-codec.js';
import { readFrames, SpillWriter } from './spill-file.js';
import { SpillFolder } from './spill-folder.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spill-file-spec-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const layout: RecordLayout = { keyColumns: [0], orderColumn: undefined };

/** Writes each row as a record, as a dedup or a join spills them. */
function writeRows(path: string, rows: readonly Value[][]): SpillWriter {
  const writer = SpillWriter.create(path);
  for (const row of rows) {
    const record = Buffer.alloc(maxRecordBytes(row, layout));
    const end = writeRecord(row, layout, record, 0, record.length);
    writer.appendBytes(record, 0, end);
  }
  writer.close();
  return writer;
}

function readRows(path: string): Value[][] {
  const rows: Value[][] = [];
  for (const { buffer, start, end } of readFrames(path))
    for (let at = start; at < end; at += recordLength(buffer, at)) rows.push(readRecordRow(buffer, at));
  return rows;
}

describe('spill files', () => {
  it('read back every record in the order written, across buffer flushes and read chunks', async () => {
    const rows: Value[][] = Array.from({ length: 50_000 }, (_, i) => [i, `row ${i}`, BigInt(i) * 1_000_000n, i % 3 === 0 ? null : i / 7]);
    const writer = writeRows(join(dir, 'a.spill'), rows);
    expect(writer.rows).toBe(50_000);
    expect((await stat(writer.path)).size).toBe(writer.bytes);
    expect(readRows(writer.path)).toEqual(rows);
  });

  it('hold records larger than the write buffer and the read chunk', () => {
    const rows: Value[][] = [
      [1, 'small'],
      [2, 'x'.repeat(200_000), 1],
      [3, 'é'.repeat(1_500_000)],
      [4, 'after'],
    ];
    expect(readRows(writeRows(join(dir, 'big.spill'), rows).path)).toEqual(rows);
  });

  it('refuse a truncated file, naming it', async () => {
    const writer = writeRows(join(dir, 'cut.spill'), [['a', 'b']]);
    const { truncate } = await import('node:fs/promises');
    await truncate(writer.path, writer.bytes - 1);
    expect(() => readRows(writer.path)).toThrow(/cut\.spill ends inside a record/);
  });

  it('an empty file reads as no records', () => {
    expect(readRows(writeRows(join(dir, 'empty.spill'), []).path)).toEqual([]);
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
