import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RecordError } from '@etl/core';
import { CsvParser } from './csv-parser.js';
import { sniffCsv } from './sniff.js';

const root = fileURLToPath(new URL('../test-data/duckdb-fuzz/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith('.md') || name.endsWith('.txt') ? [] : [path];
  });
}

describe('CsvParser on DuckDB fuzzing inputs (afl, fuzzing)', () => {
  const inputs = files(root);

  it('finishes every file with records or typed rejects, never a crash', () => {
    expect(inputs.length).toBeGreaterThan(250);
    let records = 0;
    let rejects = 0;
    for (const path of inputs) {
      const text = readFileSync(path).toString('latin1'); // bytes as they are; garbage stays garbage
      const dialect = sniffCsv(text.slice(0, 64 * 1024));
      const parser = new CsvParser({ delimiter: dialect.delimiter, maxRecordChars: 1024 * 1024 });
      const onRecord = (fields: string[], line: number) => {
        expect(line).toBeGreaterThan(0);
        expect(Array.isArray(fields)).toBe(true);
        records++;
      };
      const onReject = (error: RecordError) => {
        expect(['UNTERMINATED_QUOTE', 'TOO_LARGE']).toContain(error.code);
        expect(error.line).toBeGreaterThan(0);
        rejects++;
      };
      for (let i = 0; i < text.length; i += 4096) parser.push(text.slice(i, i + 4096), onRecord, onReject);
      parser.end(onRecord, onReject);
    }
    expect(records).toBeGreaterThan(0);
    console.log(`${inputs.length} fuzzing inputs: ${records} records, ${rejects} rejects`);
  });
});
