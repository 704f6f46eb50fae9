import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TerminalError } from '@etl/core';
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
