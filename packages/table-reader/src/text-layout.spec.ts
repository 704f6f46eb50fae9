import { describe, expect, it } from 'vitest';
import { tableSchema } from './table-schema.js';
import { textLayout } from './text-layout.js';

describe('textLayout', () => {
  it("reads OpenCSVSerde's separatorChar, quoteChar (\" by default) and the table's skip.header.line.count", () => {
    expect(
      textLayout({
        serde: { library: 'org.apache.hadoop.hive.serde2.OpenCSVSerde', parameters: { separatorChar: ';', quoteChar: "'" } },
        parameters: { 'skip.header.line.count': '1' },
      }),
    ).toEqual({ delimiter: ';', quote: "'", headerLines: 1, nullValues: [] });
    expect(textLayout({ serde: { library: 'org.apache.hadoop.hive.serde2.OpenCSVSerde' } }).quote).toBe('"');
  });

  it("refuses OpenCSVSerde's escapeChar, naming the table, unless it is the quote character (a doubled quote)", () => {
    const serde = (parameters: Record<string, string>) => ({
      name: 'notes',
      serde: { library: 'org.apache.hadoop.hive.serde2.OpenCSVSerde', parameters },
    });
    expect(() => textLayout(serde({ escapeChar: '\\' }))).toThrow(
      'table notes: OpenCSVSerde escapeChar "\\\\" is not supported (escaped quotes and delimiters would be misread); rewrite its files with doubled quotes ("") and drop escapeChar, or leave the table out',
    );
    expect(textLayout(serde({ escapeChar: '"' })).quote).toBe('"');
    expect(textLayout(serde({ quoteChar: "'", escapeChar: "'" })).quote).toBe("'");
  });

  it("reads LazySimpleSerDe's field.delim, its byte-code form, Ctrl-A by default, \\N as null and no quote character", () => {
    const lazy = 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe';
    expect(textLayout({ serde: { library: lazy, parameters: { 'field.delim': '|' } } })).toEqual({
      delimiter: '|',
      quote: null,
      headerLines: 0,
      nullValues: ['\\N'],
    });
    expect(textLayout({ serde: { library: lazy, parameters: { 'serialization.format': '9' } } }).delimiter).toBe('\t');
    expect(textLayout({ serde: { library: lazy } }).delimiter).toBe('\u0001');
  });

  it('is a comma without a SerDe, and ignores a header count that is not a positive integer', () => {
    expect(textLayout({ parameters: { 'skip.header.line.count': 'x' } })).toEqual({
      delimiter: ',',
      quote: '"',
      headerLines: 0,
      nullValues: [],
    });
  });
});

describe('tableSchema', () => {
  it('maps Hive types (tinyint, float, complex types as JSON) and puts partition keys last, all nullable', () => {
    const schema = tableSchema({
      columns: [
        { name: 'id', type: 'tinyint' },
        { name: 'score', type: 'float' },
        { name: 'tags', type: 'array<string>' },
        { name: 'amount', type: 'decimal(12,2)' },
      ],
      partitionKeys: [{ name: 'dt', type: 'string' }],
    });
    expect(schema.fields.map((f) => [f.name, f.type.kind, f.nullable])).toEqual([
      ['id', 'smallint', true],
      ['score', 'double', true],
      ['tags', 'json', true],
      ['amount', 'decimal', true],
      ['dt', 'string', true],
    ]);
  });

  it('names the column of a type it does not know', () => {
    expect(() => tableSchema({ columns: [{ name: 'geo', type: 'geometry' }], partitionKeys: [] })).toThrow(/column geo: unknown data type/);
  });
});
