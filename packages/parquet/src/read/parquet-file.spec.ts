import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParquetFile, ParquetReadError } from '../index.js';
import { bytesFile, type RandomAccessFile } from './random-access.js';

const path = join(import.meta.dirname, '../../test-data/parquet-testing/data/alltypes_plain.parquet');

/** The file, but every read before its last 4 bytes (the footer's) fails as S3 does after the SDK's attempts. */
function failingFooter(file: RandomAccessFile): RandomAccessFile {
  return {
    name: file.name,
    size: file.size,
    read: async (start, end) => {
      if (start < file.size - 4)
        throw Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalError' });
      return file.read(start, end);
    },
  };
}

describe('ParquetFile.open', () => {
  it('a read that fails while the footer is read is the store’s error (transient), not an unreadable file', async () => {
    const file = bytesFile(readFileSync(path), 'alltypes_plain.parquet');
    expect((await ParquetFile.open(file)).metadata.num_rows).toBe(8n);
    const error: unknown = await ParquetFile.open(failingFooter(file)).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ParquetReadError);
    expect(error).toMatchObject({ name: 'InternalError' });
  });

  it('a footer whose bytes do not parse is an unreadable file, named', async () => {
    const bytes = Buffer.from(readFileSync(path));
    bytes.fill(0xff, bytes.length - 200, bytes.length - 8);
    await expect(ParquetFile.open(bytesFile(bytes, 'garbled.parquet'))).rejects.toThrow(/garbled\.parquet: unreadable footer/);
  });
});
