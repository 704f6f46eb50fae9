import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createObjectStore } from '@etl/object-store';
import { sniffFile } from './sniff-file.js';

const objects = createObjectStore();
const sniff = (file: string) => sniffFile(objects, fileURLToPath(new URL(`../test-data/csvkit/${file}`, import.meta.url)));
const names = async (file: string) => (await sniff(file)).columns.map((c) => c.name);

describe('sniffFile on csvkit examples (as csvkit itself reads them)', () => {
  it('strips a UTF-8 BOM and reads UTF-16 with BOM either way round', async () => {
    expect(await sniff('test_utf8_bom.csv')).toMatchObject({ encoding: 'utf-8', bom: true, header: true, columns: [{ name: 'foo' }, { name: 'bar' }, { name: 'baz' }] });
    expect(await sniff('test_utf8.csv')).toMatchObject({ encoding: 'utf-8', bom: false });
    expect(await sniff('test_utf16_big.csv')).toMatchObject({ encoding: 'utf-16be', bom: true });
    expect(await sniff('test_utf16_little.csv')).toMatchObject({ encoding: 'utf-16le', bom: true });
    expect(await names('test_utf16_little.csv')).toEqual(['a', 'b', 'c']);
  });

  // varchar lengths count UTF-8 bytes, as Redshift does: the Latin-1 © is two.
  it('reads Latin-1 as windows-1252 (a superset) and CR-only line endings', async () => {
    expect(await sniff('test_latin1.csv')).toMatchObject({ encoding: 'windows-1252', columns: [{ name: 'a' }, { name: 'b' }, { name: 'c', type: 'varchar(2)' }] });
    expect(await sniff('mac_newlines.csv')).toMatchObject({ lineEnding: 'cr', header: true, sampledRows: 2 });
  });

  it('finds ; and tab delimiters, quoted numbers, and files without header', async () => {
    expect((await sniff('sniff_limit.csv')).delimiter).toBe(';');
    expect((await sniff('dummy.tsv')).delimiter).toBe('\t');
    expect((await sniff('optional_quote_characters.csv')).columns.map((c) => c.type)).toEqual(['smallint', 'smallint', 'smallint']);
    expect(await sniff('no_header_row.csv')).toMatchObject({ header: false, columns: [{ name: 'column_1' }, { name: 'column_2' }, { name: 'column_3' }] });
  });

  it('infers from the rows that fit the header, survives NUL bytes and empty files, reads gzip', async () => {
    expect(await sniff('bad.csv')).toMatchObject({ columns: [{ name: 'column_a' }, { name: 'column_b' }, { name: 'column_c' }], sampledRows: 1 });
    expect(await names('null_byte.csv')).toEqual(['a', 'b', 'c']);
    expect(await sniff('empty.csv')).toMatchObject({ columns: [], sampledRows: 0 });
    const plain = await sniff('dummy.csv');
    expect(await sniff('dummy.csv.gz')).toEqual({ ...plain, compression: 'gzip', confidence: expect.any(Number) });
    expect(await sniff('dummy.csv.bz2')).toEqual({ ...plain, compression: 'bzip2' });
  });
});
