import { describe, expect, it } from 'vitest';
import { allocateColumns, columnsOf, rowsOf, type Column, type ColumnBatch } from './column-batch.js';
import { packColumns, unpackColumns } from './column-transfer.js';
import { parseSchemaCsv } from './schema-csv.js';
import type { Value } from './cast.js';

const schema = parseSchemaCsv(
  [
    'column_name,data_type',
    'id,bigint',
    'name,string',
    'qty,int',
    'price,"decimal(12,4)"',
    'big,"decimal(38,18)"',
    'score,double',
    'ok,boolean',
    'day,date',
    'at,timestamp',
    'doc,json',
  ].join('\n'),
);
const rows: Value[][] = [
  [1n, 'ä plain', 7, '12.3400', '0.470781923737376930', 0.5, true, '2026-12-07', 1765065600000000n, '{"a":1}'],
  [2n, null, null, null, null, null, null, null, null, null],
  [9007199254740993n, '', -1, '-0.0001', '-1.500000000000000000', -0, false, '0001-01-01', -1n, '[]'],
  [4n, '😀 two "units", a, comma\nand a line', 0, '0.0000', '0.000000000000000000', 1e300, true, '9999-12-31', 0n, 'null'],
];

/** As `postMessage` sends it: a structured clone, the buffers moved. */
function sent(batch: ColumnBatch): ColumnBatch {
  const { packed, transfer } = packColumns(batch);
  const arrived = structuredClone(packed, { transfer });
  return unpackColumns(schema.fields, arrived);
}

describe('packColumns / unpackColumns', () => {
  it('carries every layout, nulls and empty text across a structured clone, the buffer moved and not copied', () => {
    const batch = columnsOf(schema.fields, rows);
    const buffer = batch.columns[0]?.valid.buffer as ArrayBuffer;
    const back = sent(batch);
    expect(buffer.byteLength).toBe(0); // transferred: detached here
    expect(rowsOf(back)).toEqual(rows);
  });

  it('sends only the first length rows of a batch with more room (a cast batch that dropped rejects)', () => {
    const batch = columnsOf(schema.fields, rows);
    const back = sent({ length: 2, columns: batch.columns });
    expect(back.length).toBe(2);
    expect(rowsOf(back)).toEqual(rows.slice(0, 2));
  });

  it('copies a batch whose columns do not share one buffer (assembled by hand) into one', () => {
    const b = columnsOf(schema.fields, rows);
    const columns = [...b.columns];
    columns[1] = { ...(b.columns[1] as Column), valid: new Uint8Array([1, 0, 1, 1]) }; // its own validity buffer
    const mixed: ColumnBatch = { length: 4, columns };
    expect(rowsOf(sent(mixed))).toEqual(rows);
    expect(b.columns[0]?.valid.buffer.byteLength).toBeGreaterThan(0); // copied, the original untouched
  });

  it('sends some columns of a batch, reordered or repeated, as those columns (a key projection)', () => {
    const batch = columnsOf(schema.fields, rows);
    for (const picked of [
      [1, 0],
      [0, 0],
      [...schema.fields.keys()].reverse(), // every column, in the other order: the buffer's size alone matches
    ]) {
      const projection: ColumnBatch = { length: batch.length, columns: picked.map((c) => batch.columns[c] as Column) };
      const { packed, transfer } = packColumns(projection);
      const back = unpackColumns(
        picked.map((c) => schema.fields[c] as (typeof schema.fields)[number]),
        structuredClone(packed, { transfer }),
      );
      expect(rowsOf(back), `columns ${picked.join(', ')}`).toEqual(rows.map((row) => picked.map((c) => row[c])));
    }
    expect(batch.columns[0]?.valid.buffer.byteLength).toBeGreaterThan(0); // copied: the batch still usable
  });

  it('packs an empty batch', () => {
    expect(rowsOf(sent({ length: 0, columns: allocateColumns(schema.fields, 0) }))).toEqual([]);
  });
});
