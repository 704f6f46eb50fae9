import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countingRejects, createLogger, createRunContext, type RecordError, type RunContext } from '@etl/core';
import { createObjectStore } from '@etl/object-store';
import { describe, expect, it } from 'vitest';
import { convert, openRows } from '../index.js';
import { utf8Bytes, type TextLimits } from './text-limits.js';

const dir = mkdtempSync(join(tmpdir(), 'text-limits-'));
const store = createObjectStore();
const redshift: TextLimits = { maxBytes: 65535, refuseNul: true, destination: 'Redshift' };

function context(): RunContext & { rejects: ReturnType<typeof countingRejects> } {
  return createRunContext({
    jobName: 'text-limits',
    logger: createLogger({ runId: 't', jobName: 'text-limits', level: 'silent' as never }),
    rejects: countingRejects(),
  }) as never;
}

/** Lines 2-8: fits, 65,536 ASCII bytes, NUL unquoted, NUL quoted (with a doubled quote), 65,535 bytes exactly,
 * 22,000 three-byte characters (66,000 bytes in fewer than 65,535 characters), fits. */
const lines = [
  'id,name,note',
  '1,ann,short',
  `2,bob,${'x'.repeat(65_536)}`,
  '3,a\0b,ok',
  '4,"c""\0",ok',
  `5,dan,${'y'.repeat(65_535)}`,
  `6,eve,${'あ'.repeat(22_000)}`,
  '7,gus,"quoted, fine"',
];
const file = join(dir, 'hostile.csv');
writeFileSync(file, `${lines.join('\n')}\n`);

const byLine = (rejects: readonly RecordError[]) => [...rejects].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));

describe('textLimits: text the destination cannot hold is a reject, the rest of the file is read', () => {
  it('stages every other record and rejects each bad one with its line, column, and a reason saying what to do', async () => {
    const ctx = context();
    const output = join(dir, 'staged.csv');
    const report = await convert(store, { input: file, output, format: 'csv', writeHeader: false, textLimits: redshift }, ctx);
    expect(report).toMatchObject({ rowsRead: 7, rowsWritten: 3, rowsRejected: 4 });
    const rejects = byLine(ctx.rejects.samples);
    expect(rejects.map((r) => [r.line, r.code, r.column])).toEqual([
      [3, 'TOO_LARGE', 'note'],
      [4, 'REJECTED_BY_TARGET', 'name'],
      [5, 'REJECTED_BY_TARGET', 'name'],
      [7, 'TOO_LARGE', 'note'],
    ]);
    expect(rejects[0]?.reason).toBe(
      'note: 65536 bytes in UTF-8, over the 65535 Redshift holds in a text column: shorten it in the source (values are never truncated)',
    );
    expect(rejects[0]?.file).toBe(file);
    expect(rejects[0]?.raw).toBe('x'.repeat(256)); // enough to find it, not the whole value
    expect(rejects[1]?.reason).toBe(
      'name: holds a NUL character (U+0000), which Redshift refuses in text: remove it in the source (values are never stripped)',
    );
    expect(rejects[3]?.reason).toMatch(/^note: 66000 bytes in UTF-8, over the 65535/);
    const staged = readFileSync(output, 'utf8').split('\n');
    expect(staged.map((l) => l.slice(0, 12))).toEqual(['1,ann,short', `5,dan,${'y'.repeat(6)}`, '7,gus,"quote', '']);
    expect(staged[1]).toBe(`5,dan,${'y'.repeat(65_535)}`); // at the limit: whole
  });

  it('rejects the same records when read as rows (the row path) and when the column holds the worst of several fields', async () => {
    const ctx = context();
    const rows = await openRows(store, file, 'csv', { ctx, textLimits: redshift });
    const ids: unknown[] = [];
    for await (const batch of rows.batches()) ids.push(...batch.map((row) => row[0]));
    expect(ids).toEqual([1n, 5n, 7n]);
    expect(byLine(ctx.rejects.samples).map((r) => r.line)).toEqual([3, 4, 5, 7]);

    const both = join(dir, 'both.csv');
    writeFileSync(both, `id,name,note\n1,a\0,${'z'.repeat(70_000)}\n`);
    const twice = context();
    await convert(store, { input: both, output: join(dir, 'both.out.csv'), format: 'csv', textLimits: redshift }, twice);
    expect(twice.rejects.samples.map((r) => [r.code, r.column, r.reason.split(': ')[0]])).toEqual([['REJECTED_BY_TARGET', 'name', 'name']]);
    expect(twice.rejects.samples[0]?.reason).toMatch(/; note: 70000 bytes in UTF-8/);
  });

  it('leaves a null marker alone, and changes nothing without limits', async () => {
    const marked = join(dir, 'marked.csv');
    writeFileSync(marked, 'id,name\n1,\0\n2,b\n');
    const ctx = context();
    const report = await convert(
      store,
      { input: marked, output: join(dir, 'marked.out.csv'), format: 'csv', nullValues: ['\0'], textLimits: redshift },
      ctx,
    );
    expect(report).toMatchObject({ rowsWritten: 2, rowsRejected: 0 });

    const plain = context();
    const output = join(dir, 'unlimited.csv');
    expect(await convert(store, { input: file, output, format: 'csv' }, plain)).toMatchObject({ rowsWritten: 7, rowsRejected: 0 });
    expect(readFileSync(output, 'utf8')).toContain('a\0b');
  });

  it('measures UTF-8 as encoding does: multi-byte characters, surrogate pairs, lone surrogates', () => {
    for (const text of ['', 'abc', 'é', 'あいう', '😀', 'a😀b', '\ud800', 'x\udc00y', '\ud83d']) {
      expect(utf8Bytes(text, 0, text.length)).toBe(Buffer.byteLength(text, 'utf8'));
      expect(utf8Bytes(`--${text}--`, 2, text.length + 2)).toBe(Buffer.byteLength(text, 'utf8'));
    }
  });
});
