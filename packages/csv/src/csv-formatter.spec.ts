import { describe, expect, it } from 'vitest';
import { CsvFormatter } from './csv-formatter.js';
import { CsvParser } from './csv-parser.js';

describe('CsvFormatter', () => {
  it('quotes what RFC 4180 needs and nothing else', () => {
    const f = new CsvFormatter();
    expect(f.format(['a', 'b,c', 'say "hi"', 'two\nlines', ' padded', 'plain'])).toBe(
      'a,"b,c","say ""hi""","two\nlines"," padded",plain\n',
    );
  });

  it('writes nulls as the marker and quotes real values equal to it', () => {
    expect(new CsvFormatter().format([null, '', 'x'])).toBe(',"",x\n');
    expect(new CsvFormatter({ nullMarker: '\\N' }).format([null, '\\N', ''])).toBe('\\N,"\\N",\n');
  });

  it('round-trips through CsvParser for any delimiter', () => {
    const values = ['a;b', 'tab\there', 'q"q', '改行\r\nあり', '', '|'];
    for (const delimiter of [',', ';', '\t', '|']) {
      const text = new CsvFormatter({ delimiter, newline: '\r\n' }).format(values);
      const records: string[][] = [];
      const parser = new CsvParser({ delimiter });
      parser.push(
        text,
        (fields) => void records.push([...fields]),
        (e) => {
          throw e;
        },
      );
      parser.end(
        (fields) => void records.push([...fields]),
        () => undefined,
      );
      expect(records).toEqual([values]);
    }
  });
});
