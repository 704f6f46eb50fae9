import { randomUnicodeText, seededRandom } from '@etl/core';
import { parseType, type Schema } from '@etl/schema';
import { describe, expect, it } from 'vitest';
import { bytesFile, ParquetFile, ParquetWriter } from '../index.js';

/** What a string reads back as: unpaired surrogates are written as U+FFFD. */
const wellFormed = (s: string) => Buffer.from(s).toString();

/** Min and max the way the format orders strings: unsigned bytes of their UTF-8. */
function byteOrderBounds(values: readonly string[]): { min: string; max: string } {
  const sorted = [...values].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return { min: sorted[0] as string, max: sorted[sorted.length - 1] as string };
}

const schema: Schema = { fields: [{ name: 'text', type: parseType('varchar'), nullable: false }] };

function writeAndOpen(values: readonly string[], rowGroupRows = 100_000): Promise<ParquetFile> {
  const writer = new ParquetWriter(schema, { rowGroupRows });
  const parts = values.flatMap((v) => writer.appendRow([v]));
  parts.push(...writer.finish());
  return ParquetFile.open(bytesFile(Buffer.concat(parts), 'strings.parquet'));
}

async function readAll(file: ParquetFile): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const batch of file.batches()) out.push(...batch.rows.map((r) => r['text']));
  return out;
}

describe('string columns', () => {
  it('round-trip through the byte dictionary, with bounds in byte order (few distinct values)', async () => {
    const random = seededRandom(11);
    const distinct = Array.from({ length: 3000 }, (_, i) => wellFormed(`${randomUnicodeText(random, 12)}#${i}`));
    const values = Array.from({ length: 40_000 }, () => distinct[Math.floor(random() * distinct.length)] as string);
    const file = await writeAndOpen(values);
    expect(await readAll(file)).toEqual(values);
    expect(file.rowGroups[0]?.statistics['text']).toMatchObject(byteOrderBounds(values));
  });

  it('round-trip without a dictionary when most values are distinct, bounds in byte order', async () => {
    const random = seededRandom(13);
    // `𠮷` (a surrogate pair) sorts after `\uFF61` in UTF-8 but before it in UTF-16.
    const values = [
      ...Array.from({ length: 20_000 }, (_, i) => wellFormed(`${randomUnicodeText(random, 40)}${i}`)),
      '\uFF61\uFF61\uFF61',
      '𠮷',
    ];
    const file = await writeAndOpen(values);
    expect(await readAll(file)).toEqual(values);
    expect(file.rowGroups[0]?.statistics['text']).toMatchObject(byteOrderBounds(values));
  });

  it('keep every value when row groups without a dictionary are followed by one with', async () => {
    // The first group's values are all distinct (its dictionary is dropped), the next eight are
    // written plain by the writer's backoff, the tenth tries a dictionary again and keeps it: its
    // indices must cover all of its rows.
    const groupRows = 20_000;
    const values = [
      ...Array.from({ length: groupRows }, (_, i) => `unique ${i}`),
      ...Array.from({ length: 9 * groupRows }, (_, i) => `repeated ${i % 10}`),
    ];
    const file = await writeAndOpen(values, groupRows);
    expect(file.rowGroups.map((g) => g.rows)).toEqual(Array.from({ length: 10 }, () => groupRows));
    expect(await readAll(file)).toEqual(values);
  });
});
