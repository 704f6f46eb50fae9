import { describe, expect, it } from 'vitest';
import { CsvBatch } from './csv-batch.js';

describe('CsvBatch', () => {
  it('holds spans and strings side by side and grows past its first size', () => {
    const text = 'id,name\n';
    const batch = new CsvBatch(text, 1);
    for (let r = 0; r < 100; r++) {
      batch.addSpan(0, 2);
      batch.addString(`name ${r}`);
      batch.addSpan(3, 7);
      batch.endRecord(r + 2);
    }
    expect(batch.length).toBe(100);
    expect(batch.fields(99)).toEqual(['id', 'name 99', 'name']);
    expect(batch.line(99)).toBe(101);
    expect(batch.fieldCount(0)).toBe(3);
    expect(batch.field(0, 3)).toBe(''); // past the record's last field
  });

  it('drops the last record, and the next one takes its place', () => {
    const batch = CsvBatch.of([
      { fields: ['a', 'b'], line: 2 },
      { fields: ['ragged'], line: 3 },
    ]);
    batch.dropLast();
    batch.addString('c');
    batch.addString('d');
    batch.endRecord(4);
    expect(batch.records()).toEqual([
      { fields: ['a', 'b'], line: 2 },
      { fields: ['c', 'd'], line: 4 },
    ]);
  });

  it('empties for the next chunk', () => {
    const batch = CsvBatch.of([{ fields: ['a'], line: 2 }]);
    batch.clear('x,y\n');
    batch.addSpan(0, 1);
    batch.addSpan(2, 3);
    batch.endRecord(3);
    expect(batch.records()).toEqual([{ fields: ['x', 'y'], line: 3 }]);
  });
});
