import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TerminalError } from '@etl/core';
import { testContext } from '@etl/core/testing';
import { createObjectStore } from '@etl/object-store';
import { sniffFile } from './sniff-file.js';

const objects = createObjectStore();
const sniff = (file: string) => sniffFile(objects, fileURLToPath(new URL(`../test-data/csvkit/${file}`, import.meta.url)));
const names = async (file: string) => (await sniff(file)).columns.map((c) => c.name);

describe('sniffFile on csvkit examples (as csvkit itself reads them)', () => {
  it('strips a UTF-8 BOM and reads UTF-16 with BOM either way round', async () => {
    expect(await sniff('test_utf8_bom.csv')).toMatchObject({
      encoding: 'utf-8',
      bom: true,
      header: true,
      columns: [{ name: 'foo' }, { name: 'bar' }, { name: 'baz' }],
    });
    expect(await sniff('test_utf8.csv')).toMatchObject({ encoding: 'utf-8', bom: false });
    expect(await sniff('test_utf16_big.csv')).toMatchObject({ encoding: 'utf-16be', bom: true });
    expect(await sniff('test_utf16_little.csv')).toMatchObject({ encoding: 'utf-16le', bom: true });
    expect(await names('test_utf16_little.csv')).toEqual(['a', 'b', 'c']);
  });

  // varchar lengths count UTF-8 bytes, as Redshift does: the Latin-1 © is two.
  it('reads Latin-1 as windows-1252 (a superset) and CR-only line endings', async () => {
    expect(await sniff('test_latin1.csv')).toMatchObject({
      encoding: 'windows-1252',
      columns: [{ name: 'a' }, { name: 'b' }, { name: 'c', type: 'varchar(2)' }],
    });
    expect(await sniff('mac_newlines.csv')).toMatchObject({ lineEnding: 'cr', header: true, sampledRows: 2 });
  });

  it('finds ; and tab delimiters, quoted numbers, and files without header', async () => {
    expect((await sniff('sniff_limit.csv')).delimiter).toBe(';');
    expect((await sniff('dummy.tsv')).delimiter).toBe('\t');
    expect((await sniff('optional_quote_characters.csv')).columns.map((c) => c.type)).toEqual(['smallint', 'smallint', 'smallint']);
    expect(await sniff('no_header_row.csv')).toMatchObject({
      header: false,
      columns: [{ name: 'column_1' }, { name: 'column_2' }, { name: 'column_3' }],
    });
  });

  it('infers from the rows that fit the header, survives NUL bytes and empty files, reads gzip', async () => {
    expect(await sniff('bad.csv')).toMatchObject({
      columns: [{ name: 'column_a' }, { name: 'column_b' }, { name: 'column_c' }],
      sampledRows: 1,
    });
    expect(await names('null_byte.csv')).toEqual(['a', 'b', 'c']);
    expect(await sniff('empty.csv')).toMatchObject({ columns: [], sampledRows: 0 });
    const plain = await sniff('dummy.csv');
    expect(await sniff('dummy.csv.gz')).toEqual({ ...plain, compression: 'gzip', confidence: expect.any(Number) });
    expect(await sniff('dummy.csv.bz2')).toEqual({ ...plain, compression: 'bzip2' });
  });

  // csvkit's type-inference traps. Exact and cautious: a value is never read as something it might not be.
  it("does not fall into csvkit's type-inference traps", async () => {
    const types = async (file: string) => (await sniff(file)).columns.map((c) => c.type);
    expect(await types('date_like_number.csv')).toEqual(['decimal(2,1)']); // 4.5 is a number, not a date
    expect(await types('test_no_leading_zeroes.csv')).toEqual(['varchar(2)', 'varchar(5)', 'decimal(1,1)']); // 01 and 00.11 keep their zeros
    expect(await types('test_precision.csv')).toEqual(['decimal(7,6)']); // 1.234567 exactly, no float
    expect(await types('test_date_format.csv')).toEqual(['varchar(10)']); // 02/01/2014: day or month first is unknowable
    expect(await types('test_numeric_date_format.csv')).toEqual(['int']); // 20140102 without a date format is a number
  });

  it('samples a MiB of very short lines (more records than a call takes arguments)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sniff-')), 'short.csv');
    writeFileSync(file, `n\n${'7\n'.repeat(600_000)}`);
    const result = await sniffFile(objects, file);
    expect(result.columns).toEqual([{ name: 'n', type: 'smallint', nullable: false }]);
    expect(result.sampledRows).toBeGreaterThan(500_000);
  });

  it('a missing file is a NOT_FOUND TerminalError naming its path and what to check', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sniff-')), 'nope.csv');
    const error: unknown = await sniffFile(objects, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerminalError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: `${file} does not exist: check the path or S3 URI`, details: { uri: file } });
  });
});

describe('sniffFile with the read options of the load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sniff-read-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const types = (result: { columns: Array<{ type: string }> }) => result.columns.map((c) => c.type);

  it('infers numbers written with a decimal comma and thousands separators as numbers', async () => {
    const path = file('de.csv', 'Name;Wert;Einwohner\nA;1,7;200.000.000\nB;-12,25;1.234\n');
    expect(types(await sniffFile(objects, path))).toEqual(['varchar(1)', 'varchar(6)', 'varchar(11)']);
    expect(types(await sniffFile(objects, path, { decimalSeparator: ',', groupSeparator: '.' }))).toEqual([
      'varchar(1)',
      'decimal(4,2)',
      'int',
    ]);
  });

  it('splits the sample by the delimiter given, and joins short rows as the load does', async () => {
    const path = file('pipes.csv', 'a|b,c\n1|2,5\n3|4,5\n');
    expect(await sniffFile(objects, path, { delimiter: '|', decimalSeparator: ',' })).toMatchObject({
      delimiter: '|',
      columns: [
        { name: 'a', type: 'smallint' },
        { name: 'b,c', type: 'decimal(2,1)' },
      ],
    });
    const broken = file('broken.csv', 'id,note,n\n1,"ok",5\n2,line one\nline two,7\n');
    expect(await sniffFile(objects, broken)).toMatchObject({ sampledRows: 1 });
    expect(await sniffFile(objects, broken, { joinShortRows: true })).toMatchObject({
      sampledRows: 2,
      columns: [{ type: 'smallint' }, { type: 'varchar(17)' }, { type: 'smallint' }],
    });
  });

  it("infers from every record with inferFrom 'file', in the run given", async () => {
    const path = file('late.csv', `id,code\n${Array.from({ length: 90_000 }, (_, i) => `${i},${i}`).join('\n')}\n90000,N/A\n`);
    expect(await sniffFile(objects, path, { sampleBytes: 1024 })).toMatchObject({ columns: [{ type: 'smallint' }, { type: 'smallint' }] });
    const { ctx } = testContext();
    expect(await sniffFile(objects, path, { sampleBytes: 1024, inferFrom: 'file', ctx })).toMatchObject({
      columns: [{ type: 'int' }, { type: 'varchar(5)' }],
      sampledRows: 90_001,
    });
    expect(ctx.counters.component('type-inference', 'source').bytesIn).toBeGreaterThan(500_000);
  });
});
