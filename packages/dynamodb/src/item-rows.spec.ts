import { RecordError } from '@etl/core';
import { describe, expect, it } from 'vitest';
import { declaredColumns, itemRows } from './item-rows.js';
import { ItemSchemaInference } from './item-schema.js';
import type { Item } from './write-sink.js';

function rowsOf(items: Item[]) {
  const inference = new ItemSchemaInference();
  for (const item of items) inference.add(item);
  const columns = inference.columns(['pk']);
  const rows = itemRows(columns, ['pk'], { table: 't' });
  return { names: columns.map((c) => c.field.name), rows: items.map((i) => rows.toRow(i)) };
}

describe('itemRows reads every attribute exactly', () => {
  it('numbers stay exact (38 digits, decimals scaled), timestamps as micros, nested and sets as JSON, binary as base64', () => {
    const { names, rows } = rowsOf([
      {
        pk: { S: 'a' },
        n: { N: '12345678901234567890123456789012345678' },
        p: { N: '2.5' },
        t: { S: '2010-12-01T08:26:00.000000Z' },
        m: { M: { x: { N: '0.10000000000000000000000000000000000001' }, s: { SS: ['a', 'b'] }, b: { B: new Uint8Array([255]) } } },
        bin: { B: new Uint8Array([1, 2, 3]) },
      },
      { pk: { S: 'b' }, n: { N: '1' }, p: { N: '0.125' }, t: { S: '2011-12-09 12:50:00' }, m: { NS: ['1', '2.50'] }, bin: { NULL: true } },
    ]);
    expect(names).toEqual(['pk', 'bin', 'm', 'n', 'p', 't']);
    expect(rows[0]).toEqual([
      'a',
      'AQID',
      '{"x":0.10000000000000000000000000000000000001,"s":["a","b"],"b":"/w=="}',
      '12345678901234567890123456789012345678',
      '2.500',
      1291191960000000n,
      // decimal(38,0) for n: past INT64
    ]);
    expect(rows[1]).toEqual(['b', null, '[1,2.5]', '1', '0.125', 1323435000000000n]);
  });

  it('a declared schema wins: a misfit is rejected with the item key and the reason; a missing NOT NULL attribute too', () => {
    const columns = declaredColumns([
      { name: 'pk', type: { kind: 'string' }, nullable: false },
      { name: 'Quantity', type: { kind: 'int' }, nullable: true },
      { name: 'InvoiceDate', type: { kind: 'timestamp', withZone: false }, nullable: false },
    ]);
    expect(columns.map((c) => c.field.name)).toEqual(['pk', 'quantity', 'invoicedate']);
    const rows = itemRows(columns, ['pk'], { table: 'retail' });
    expect(rows.toRow({ pk: { S: 'k1' }, Quantity: { N: '6' }, InvoiceDate: { N: '1291191960' } })).toEqual(['k1', 6, 1291191960000000n]);
    const misfit = (item: Item) => {
      try {
        rows.toRow(item);
      } catch (error) {
        return error as RecordError;
      }
      throw new Error('not rejected');
    };
    const text = misfit({ pk: { S: 'k2' }, Quantity: { S: 'six' }, InvoiceDate: { S: '2010-12-01' } });
    expect(text).toBeInstanceOf(RecordError);
    expect(text).toMatchObject({
      code: 'SCHEMA',
      column: 'Quantity',
      reason: 'item pk=k2: Quantity is a string (S); column quantity is int',
    });
    expect(misfit({ pk: { S: 'k3' }, Quantity: { N: '1.5' }, InvoiceDate: { S: '2010-12-01' } }).reason).toMatch(/^item pk=k3: Quantity /);
    expect(misfit({ pk: { S: 'k4' } }).reason).toBe('item pk=k4: InvoiceDate is missing; column invoicedate is NOT NULL');
  });
});
