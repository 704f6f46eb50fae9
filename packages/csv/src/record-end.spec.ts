import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@etl/core';
import { CsvParser, detectNewline } from './csv-parser.js';
import { RecordEnds } from './record-end.js';

interface Parsed {
  records: Array<{ fields: string[]; line: number }>;
  rejects: Array<{ code: string; line: number | undefined }>;
}

function parse(text: string, newline: '\n' | '\r' | undefined, delimiter: string, firstLine = 1): Parsed & { lines: number } {
  const parser = new CsvParser({ delimiter, maxRecordChars: 1 << 20, ...(newline ? { newline } : {}) });
  const out: Parsed = { records: [], rejects: [] };
  const onRecord = (fields: string[], line: number) => out.records.push({ fields, line: line + firstLine - 1 });
  const onReject = (e: { code: string; line: number | undefined }) =>
    out.rejects.push({ code: e.code, line: e.line === undefined ? undefined : e.line + firstLine - 1 });
  for (let i = 0; i < text.length; i += 777) parser.push(text.slice(i, i + 777), onRecord, onReject);
  parser.end(onRecord, onReject);
  return { ...out, lines: parser.currentLine - 1 };
}

/** The text cut at record ends about every `every` characters (fed in pieces of `piece`), each piece parsed alone. */
function parseInChunks(text: string, delimiter: string, every: number, piece: number): Parsed & { chunks: number } {
  const newline = detectNewline(text) ?? '\n';
  const ends = new RecordEnds({ delimiter, quote: '"', newline });
  const chunks: string[] = [];
  let open = '';
  for (let p = 0; p < text.length; p += piece) {
    const part = text.slice(p, p + piece);
    let at = 0;
    for (;;) {
      const end = ends.next(part, at, Math.max(at, at + every - open.length));
      if (end === -1) break;
      chunks.push(open + part.slice(at, end));
      open = '';
      at = end;
    }
    open += part.slice(at);
  }
  if (open) chunks.push(open);
  const out: Parsed = { records: [], rejects: [] };
  let line = 1;
  for (const chunk of chunks) {
    const parsed = parse(chunk, newline, delimiter, line);
    out.records.push(...parsed.records);
    out.rejects.push(...parsed.rejects);
    line += parsed.lines;
  }
  return { ...out, chunks: chunks.length };
}

function randomCsv(seed: number, rows: number): string {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  const fields = [
    'a',
    'bc',
    '',
    '"q,x"',
    '"multi\nline"',
    '"crlf\r\nin"',
    '"dq ""x"" y"',
    '5" pipe',
    'x"y"',
    '"a" b',
    '""',
    '" "',
    ' "s"',
    '"\r"',
  ];
  const breaks = ['\n', '\r\n'];
  const newline = pick(breaks);
  let text = random() < 0.5 ? `h1,h2,h3${newline}` : '';
  for (let r = 0; r < rows; r++) {
    if (random() < 0.05) text += newline; // blank line
    text += Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(fields)).join(',') + newline;
  }
  if (random() < 0.3) text += '"never closed,' + 'x'.repeat(50);
  return text;
}

/** The same over the text's UTF-8 bytes (`nextInBytes`): each chunk decoded on its own, then parsed. */
function parseByteChunks(text: string, every: number, piece: number): Parsed {
  const bytes = Buffer.from(text, 'utf8');
  const newline = detectNewline(text) ?? '\n';
  const ends = new RecordEnds({ delimiter: ',', quote: '"', newline });
  const chunks: Buffer[] = [];
  let open: Buffer[] = [];
  let openBytes = 0;
  for (let p = 0; p < bytes.length; p += piece) {
    const part = bytes.subarray(p, p + piece);
    let at = 0;
    for (;;) {
      const end = ends.nextInBytes(part, at, Math.max(at, at + every - openBytes));
      if (end === -1) break;
      chunks.push(Buffer.concat([...open, part.subarray(at, end)]));
      open = [];
      openBytes = 0;
      at = end;
    }
    open.push(part.subarray(at));
    openBytes += part.length - at;
  }
  if (openBytes > 0) chunks.push(Buffer.concat(open));
  const out: Parsed = { records: [], rejects: [] };
  let line = 1;
  for (const chunk of chunks) {
    const parsed = parse(chunk.toString('utf8'), newline, ',', line);
    out.records.push(...parsed.records);
    out.rejects.push(...parsed.rejects);
    line += parsed.lines;
  }
  return out;
}

describe('RecordEnds: cutting CSV where records end, as the parser reads it', () => {
  it('cuts UTF-8 bytes where it cuts their text: each chunk decodes and parses to the records of the whole', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const text = randomCsv(seed, 60);
      const whole = parse(text, detectNewline(text), ',');
      for (const [every, piece] of [
        [1, 5],
        [50, 17],
      ] as const)
        expect(parseByteChunks(text, every, piece), `seed ${seed}`).toEqual({ records: whole.records, rejects: whole.rejects });
    }
  });

  it('pieces cut at its ends parse to the records, lines and rejects of the whole text (random CSV, stray quotes, quoted breaks, CRLF)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const text = randomCsv(seed, 60);
      const whole = parse(text, detectNewline(text), ',');
      for (const [every, piece] of [
        [1, 7],
        [40, 13],
        [200, 64],
        [1, 1],
      ] as const) {
        const cut = parseInChunks(text, ',', every, piece);
        expect({ records: cut.records, rejects: cut.rejects }, `seed ${seed}, every ${every}, piece ${piece}`).toEqual({
          records: whole.records,
          rejects: whole.rejects,
        });
      }
    }
  });

  it('cuts only past the target, at the first record end there', () => {
    const ends = new RecordEnds({ delimiter: ',', quote: '"', newline: '\n' });
    const text = 'a,b\n"x\ny",c\nd,e\n';
    expect(ends.next(text, 0, 0)).toBe(4);
    // the line break inside the quotes at 6 is no record end
    expect(ends.next(text, 4, 5)).toBe(12);
    expect(ends.next(text, 12, 12)).toBe(16);
    expect(ends.next(text, 16, 16)).toBe(-1);
  });

  it('carries a quote at a piece end to the next piece: doubled or closing', () => {
    const ends = new RecordEnds({ delimiter: ',', quote: '"', newline: '\n' });
    expect(ends.next('"ab"', 0, 0)).toBe(-1);
    expect(ends.inQuotes).toBe(true);
    expect(ends.next('"\nc"\n', 0, 0)).toBe(5); // "" was a doubled quote: the first break is inside
    const other = new RecordEnds({ delimiter: ',', quote: '"', newline: '\n' });
    expect(other.next('"ab"', 0, 0)).toBe(-1);
    expect(other.next('\nc\n', 0, 0)).toBe(1); // the quote closed the field
  });

  it('agrees with the parser on the DuckDB fuzzing inputs (bytes as latin1)', () => {
    const root = fileURLToPath(new URL('../test-data/duckdb-fuzz/', import.meta.url));
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? files(path) : name.endsWith('.md') || name.endsWith('.txt') ? [] : [path];
      });
    let cut = 0;
    for (const path of files(root)) {
      const text = readFileSync(path).toString('latin1');
      const whole = parse(text, detectNewline(text), ',');
      const chunks = parseInChunks(text, ',', 64, 100);
      cut += chunks.chunks;
      expect({ records: chunks.records, rejects: chunks.rejects }, path).toEqual({ records: whole.records, rejects: whole.rejects });
    }
    expect(cut).toBeGreaterThan(300);
  });
});
