import { describe, expect, it } from 'vitest';
import type { QueryResult } from '@etl/warehouse';
import { formatTable, ndjsonLines } from './sql-output.js';

const result: QueryResult = {
  columns: [
    { name: 'sku', type: 'varchar' },
    { name: 'qty', type: 'int4' },
    { name: 'price', type: 'numeric' },
    { name: 'note', type: 'text' },
  ],
  rows: [
    ['A-1', 3, '1200.50', null],
    ['品番B', 12, '0.10', 'two\nlines'],
  ],
  rowCount: 2,
};

describe('ndjsonLines', () => {
  it('gives one object per row, column names as keys, values as the warehouse returned them', () => {
    expect([...ndjsonLines(result)]).toEqual([
      '{"sku":"A-1","qty":3,"price":"1200.50","note":null}\n',
      '{"sku":"品番B","qty":12,"price":"0.10","note":"two\\nlines"}\n',
    ]);
    expect([...ndjsonLines({ columns: [], rows: [], rowCount: 5 })]).toEqual([]);
  });

  it('keeps every column of a result that repeats a name (count(*), count(distinct x)), past names it has', () => {
    const counts: QueryResult = {
      columns: ['count', 'count', 'count_2', 'count'].map((name) => ({ name, type: 'int8' })),
      rows: [[45, 20, 7, 3]],
      rowCount: 1,
    };
    expect([...ndjsonLines(counts)]).toEqual(['{"count":45,"count_3":20,"count_2":7,"count_4":3}\n']);
  });
});

describe('formatTable', () => {
  it('aligns columns (numbers right, wide characters as two), spells NULL, escapes line breaks and counts the rows', () => {
    expect(formatTable(result).split('\n')).toEqual([
      'sku   | qty | price   | note',
      '------+-----+---------+-----------',
      'A-1   |   3 | 1200.50 | NULL',
      '品番B |  12 | 0.10    | two\\nlines',
      '(2 rows)',
      '',
    ]);
  });

  it('says how many rows a statement without columns touched', () => {
    expect(formatTable({ columns: [], rows: [], rowCount: 1 })).toBe('(1 row affected)\n');
    expect(formatTable({ columns: [{ name: 'n', type: 'int8' }], rows: [], rowCount: 0 })).toBe('n\n-\n(0 rows)\n');
  });
});
