import { describe, expect, it } from 'vitest';
import { parseSchemaCsv } from './schema-csv.js';
import { keyFields } from './types.js';

describe('parseSchemaCsv', () => {
  it('reads seed 000 style definitions with a compound key', () => {
    const schema = parseSchemaCsv(
      '\uFEFFcolumn_name,data_type,nullable,key_order\nitem_code,varchar(20),,1\nwarehouse,varchar(10),false,2\nqty,decimal(12,3),true,\nupdated_at,timestamp,,\n',
    );
    expect(schema.fields.map((f) => [f.name, f.nullable, f.keyOrder])).toEqual([
      ['item_code', false, 1],
      ['warehouse', false, 2],
      ['qty', true, undefined],
      ['updated_at', true, undefined],
    ]);
    expect(keyFields(schema).map((f) => f.name)).toEqual(['item_code', 'warehouse']);
  });

  it('accepts the two-column form', () => {
    expect(parseSchemaCsv('column_name,data_type\na,int\n').fields).toEqual([{ name: 'a', type: { kind: 'int' }, nullable: true }]);
  });

  it('reports every problem at once with its line', () => {
    expect(() =>
      parseSchemaCsv('column_name,data_type,nullable,key_order\na,money,,\nb,int,maybe,\na,int,,x\nc,int,true,1\n', 'inv.csv'),
    ).toThrow(
      /inv\.csv line 2, column a: unknown data type "money"[\s\S]*line 3, column b: nullable must be true or false[\s\S]*line 4: column a is defined twice[\s\S]*line 4, column a: key_order must be 1, 2[\s\S]*line 5, column c: a key column cannot be nullable/,
    );
    expect(() => parseSchemaCsv('name,type\na,int\n')).toThrow('header must be column_name,data_type');
  });
});
