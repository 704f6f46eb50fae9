import { describe, expect, it } from 'vitest';
import { columnsOf, type ColumnBatch } from './column-batch.js';
import { emptyFacts, mergeFacts, observeFacts } from './column-facts.js';
import { parseSchemaCsv } from './schema-csv.js';
import type { Value } from './cast.js';

const schema = parseSchemaCsv(['column_name,data_type', 'id,bigint', 'name,string', 'qty,smallint', 'doc,json', 'price,double'].join('\n'));
const rows: Value[][] = [
  [9007199254740993n, 'plain', 7, '{}', 1.5],
  [-2n, null, null, null, null],
  [5n, 'ハート', -32768, '{"a":"ü"}', 2],
  [1n, '😀😀', 32767, null, 3],
];
const batch = (from: number, to: number): ColumnBatch => columnsOf(schema.fields, rows.slice(from, to));

describe('ColumnFacts', () => {
  it('gathers the longest text in UTF-8 bytes and integer ranges, nulls left out, other kinds untouched', () => {
    const facts = emptyFacts(schema.fields);
    observeFacts(facts, batch(0, 4));
    expect(facts).toEqual({
      rows: 4,
      bytes: [0, 9, 0, 10, 0], // ハート: 9 bytes; 😀😀: 8; {"a":"ü"}: 10
      min: [-2n, undefined, -32768n, undefined, undefined],
      max: [9007199254740993n, undefined, 32767n, undefined, undefined],
    });
  });

  it('merges parts gathered apart (on worker threads) into what the whole gives, in any order', () => {
    const whole = emptyFacts(schema.fields);
    observeFacts(whole, batch(0, 4));
    const parts = [batch(2, 4), batch(0, 1), batch(1, 2)].map((part) => {
      const facts = emptyFacts(schema.fields);
      observeFacts(facts, part);
      return structuredClone(facts); // plain data: as a worker's reply carries it
    });
    const merged = emptyFacts(schema.fields);
    for (const part of parts) mergeFacts(merged, part);
    expect(merged).toEqual(whole);
  });

  it('looks at no column past its own (an added row number)', () => {
    const facts = emptyFacts(schema.fields.slice(0, 2));
    observeFacts(facts, batch(0, 4));
    expect(facts.bytes).toEqual([0, 9]);
    expect(facts.max).toEqual([9007199254740993n, undefined]);
  });
});
