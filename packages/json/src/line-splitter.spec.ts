import { describe, expect, it } from 'vitest';
import { LineSplitter, type Line, type OversizedLine } from './line-splitter.js';

function split(chunks: Buffer[], maxLineBytes?: number) {
  const splitter = new LineSplitter(maxLineBytes === undefined ? {} : { maxLineBytes });
  const lines: Line[] = [];
  const oversized: OversizedLine[] = [];
  for (const chunk of chunks)
    splitter.push(
      chunk,
      (l) => lines.push(l),
      (o) => oversized.push(o),
    );
  splitter.end(
    (l) => lines.push(l),
    (o) => oversized.push(o),
  );
  return { lines, oversized };
}

describe('LineSplitter', () => {
  it('splits LF and CRLF lines and keeps a last line without newline', () => {
    const { lines } = split([Buffer.from('a\r\nb\nc')]);
    expect(lines).toEqual([
      { text: 'a', line: 1 },
      { text: 'b', line: 2 },
      { text: 'c', line: 3 },
    ]);
  });

  it('joins a multi-byte character split across chunks', () => {
    const bytes = Buffer.from('{"name":"株式会社"}\n');
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(split(chunks).lines).toEqual([{ text: '{"name":"株式会社"}', line: 1 }]);
  });

  it('reports an oversized line with its number and carries on with the next', () => {
    const { lines, oversized } = split([Buffer.from('ok\n'), Buffer.from('x'.repeat(30)), Buffer.from('y'.repeat(30) + '\nfine\n')], 20);
    expect(oversized).toEqual([{ line: 2, bytes: 60 }]);
    expect(lines).toEqual([
      { text: 'ok', line: 1 },
      { text: 'fine', line: 3 },
    ]);
  });
});
