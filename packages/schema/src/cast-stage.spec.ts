import { describe, expect, it } from 'vitest';
import { castStage } from './cast-stage.js';
import { parseSchemaCsv } from './schema-csv.js';

const schema = parseSchemaCsv(
  'column_name,data_type,nullable,key_order\nsku,varchar(20),,1\nqty,"decimal(10,2)",true,\nupdated_at,timestamp,true,\n',
);

describe('castStage', () => {
  it('casts by column name, whatever the file order, and fills missing nullable columns with null', () => {
    const stage = castStage({ schema, columns: () => ['QTY', 'sku', 'extra'], file: 'inv.csv' });
    expect(stage.process({ fields: ['3.5', 'A-1', 'ignored'], line: 2 })).toEqual({ sku: 'A-1', qty: '3.50', updated_at: null });
  });

  it('rejects a record with every problem named, the first as its column', () => {
    const stage = castStage({ schema, columns: () => ['sku', 'qty', 'updated_at'], file: 'inv.csv' });
    expect(() => stage.process({ fields: ['', 'abc', 'yesterday'], line: 7 })).toThrow(
      expect.objectContaining({
        code: 'NULL_NOT_ALLOWED',
        line: 7,
        column: 'sku',
        file: 'inv.csv',
        reason: expect.stringMatching(/^sku: sku must not be empty; qty: not a decimal number: "abc"; updated_at: not a timestamp/),
      }),
    );
  });

  it('refuses a file that lacks a NOT NULL column, naming it, and saying a key column is one', () => {
    const stage = castStage({ schema, columns: () => ['qty'], file: 'inv.csv' });
    expect(() => stage.process({ fields: ['1'], line: 2 })).toThrow(
      'inv.csv has no column sku, a key column of the schema (key_order) (file columns: qty)',
    );
    const both = parseSchemaCsv('column_name,data_type,nullable,key_order\nsku,varchar(20),,1\nwh,varchar(4),false,\nqty,int,true,\n');
    expect(() => castStage({ schema: both, columns: () => ['qty'], file: 'inv.csv' }).process({ fields: ['1'], line: 2 })).toThrow(
      'inv.csv has no column sku, wh, which the schema declares NOT NULL or as keys (key_order) (file columns: qty)',
    );
    const notNull = parseSchemaCsv('column_name,data_type,nullable\nsku,varchar(20),false\nqty,int,true\n');
    expect(() => castStage({ schema: notNull, columns: () => ['qty'], file: 'inv.csv' }).process({ fields: ['1'], line: 2 })).toThrow(
      'inv.csv has no column sku, which the schema declares NOT NULL (file columns: qty)',
    );
  });
});
