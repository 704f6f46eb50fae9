import { describe, expect, it } from 'vitest';
import { parseSchemaCsv } from './schema-csv.js';
import { parseSchemaFile, parseSchemaJson } from './schema-json.js';

describe('parseSchemaJson', () => {
  it('reads the typed form, keys NOT NULL, the rest nullable unless said', () => {
    const schema = parseSchemaJson(
      '{"fields":[{"name":"id","type":"bigint","keyOrder":1},{"name":"price","type":"decimal(12,4)"},{"name":"sku","type":"varchar(16)","nullable":false}]}',
    );
    expect(schema.fields).toEqual([
      { name: 'id', type: { kind: 'bigint' }, nullable: false, keyOrder: 1 },
      { name: 'price', type: { kind: 'decimal', precision: 12, scale: 4 }, nullable: true },
      { name: 'sku', type: { kind: 'string', maxLength: 16 }, nullable: false },
    ]);
  });

  it('reports every bad field at once, by position and name', () => {
    expect(() => parseSchemaJson('[{"name":"a","type":"nope"},{"type":"int"},{"name":"c"}]', 's.json')).toThrow(
      /s\.json: field 1 \(a\): unknown data type "nope"[\s\S]*field 2: "name"[\s\S]*field 3 \(c\): "type"/,
    );
  });

  it('tells CSV and JSON files apart', () => {
    const csv = 'column_name,data_type\nid,int\n';
    expect(parseSchemaFile(csv, 'schema.csv')).toEqual(parseSchemaCsv(csv));
    expect(parseSchemaFile('[{"name":"id","type":"int"}]', 'schema.txt').fields[0]?.name).toBe('id');
  });
});
