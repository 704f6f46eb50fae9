import { columnOffsets, columnsBytes, columnsIn, type Column, type ColumnBatch } from './column-batch.js';
import type { Field } from './types.js';

/**
 * A column batch as plain data for another thread (`postMessage`), nothing per row in it: the typed
 * arrays and validity in the one buffer `allocateColumns` carves them from (transferred, not
 * copied), and each text column's values as one string with where each value ends. Cloning a
 * `string[]` makes a string per value on the way in; one joined string is one copy, and the
 * receiver's values are slices of it.
 */
export interface PackedColumns {
  length: number;
  /** The rows `buffer` is laid out for (`allocateColumns(fields, capacity)`). */
  capacity: number;
  buffer: ArrayBuffer;
  /** Per text column, in column order: the first `length` values joined (null as empty), and each one's end. */
  texts: Array<{ joined: string; ends: Int32Array }>;
}

/**
 * `batch` packed for `postMessage(packed, transfer)`. The batch must not be used afterwards: its
 * buffer is transferred. A batch whose columns are not one `allocateColumns` buffer (built by
 * hand) is copied into one first.
 */
export function packColumns(batch: ColumnBatch): { packed: PackedColumns; transfer: ArrayBuffer[] } {
  const fields = batch.columns.map((c) => c.field);
  const capacity = batch.columns[0]?.valid.length ?? 0;
  const columns = laidOut(batch, fields, capacity) ? batch.columns : copied(batch, fields);
  const texts: PackedColumns['texts'] = [];
  for (const { data } of columns) {
    if (data.layout !== 'text') continue;
    const ends = new Int32Array(batch.length);
    let end = 0;
    for (let r = 0; r < batch.length; r++) {
      end += (data.values[r] ?? '').length;
      ends[r] = end;
    }
    texts.push({ joined: data.values.slice(0, batch.length).join(''), ends });
  }
  const buffer = (columns[0]?.valid.buffer ?? new ArrayBuffer(0)) as ArrayBuffer;
  const packed = { length: batch.length, capacity: columns === batch.columns ? capacity : batch.length, buffer, texts };
  return { packed, transfer: [buffer, ...texts.map((t) => t.ends.buffer as ArrayBuffer)] };
}

/**
 * Whether the batch's columns are one buffer laid out exactly as `allocateColumns(fields, capacity)`
 * lays them out: every column where that layout puts it (not merely in the same buffer: a batch of
 * some columns of a wider one, reordered or repeated, is not).
 */
function laidOut(batch: ColumnBatch, fields: readonly Field[], capacity: number): boolean {
  const buffer = batch.columns[0]?.valid.buffer;
  if (!buffer || buffer.byteLength !== columnsBytes(fields, capacity)) return false;
  const at = columnOffsets(fields, capacity);
  return batch.columns.every(
    ({ valid, data }, c) =>
      valid.buffer === buffer &&
      valid.byteOffset === at.valid[c] &&
      valid.length === capacity &&
      (data.layout === 'text' || (data.values.buffer === buffer && data.values.byteOffset === at.values[c])),
  );
}

/** The batch `packColumns` packed, its columns named by `fields` (the same fields, in the same order). */
export function unpackColumns(fields: readonly Field[], packed: PackedColumns): ColumnBatch {
  const columns = columnsIn(fields, packed.capacity, packed.buffer);
  let t = 0;
  for (const { data } of columns) {
    if (data.layout !== 'text') continue;
    const { joined, ends } = packed.texts[t++] as PackedColumns['texts'][number];
    let start = 0;
    for (let r = 0; r < packed.length; r++) {
      const end = ends[r] as number;
      data.values[r] = joined.slice(start, end);
      start = end;
    }
  }
  return { length: packed.length, columns };
}

/** The batch's first `length` rows in one fresh buffer (the same layouts: the same fields). */
function copied(batch: ColumnBatch, fields: Field[]): Column[] {
  const n = batch.length;
  const columns = columnsIn(fields, n, new ArrayBuffer(columnsBytes(fields, n)));
  columns.forEach((to, c) => {
    const from = batch.columns[c] as Column;
    to.valid.set(from.valid.subarray(0, n));
    const values = from.data.values.slice(0, n);
    if (to.data.layout === 'text') values.forEach((v, r) => ((to.data.values as string[])[r] = v as string));
    else to.data.values.set(values as never);
  });
  return columns;
}
