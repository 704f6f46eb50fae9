import { describe, expect, it } from 'vitest';
import { judgeInputRun } from './input-verdict.js';

const run = (code: number | null, stderr = '', stdout = '') => ({
  code,
  signal: code === null ? ('SIGSEGV' as const) : null,
  stdout,
  stderr,
});
const quiet = { lines: [], oneLine: true };

describe('judgeInputRun', () => {
  it('accepts a completed run whose rows add up', () => {
    expect(judgeInputRun('/c/a.csv', run(0), quiet, { read: 5, written: 3, rejected: 2 })).toEqual({ outcome: 'completed', problems: [] });
  });

  it('finds rows that do not add up', () => {
    expect(judgeInputRun('/c/a.csv', run(0), quiet, { read: 5, written: 3, rejected: 1 }).problems).toEqual([
      'rows read 5 != written 3 + rejected 1 + dropped 0',
    ]);
  });

  it('counts rows a run dropped on purpose (a repeated key merged into its last row): 12 read, 8 written, 4 dropped', () => {
    expect(judgeInputRun('/c/a.csv', run(0), quiet, { read: 12, written: 8, rejected: 0, dropped: 4 }).problems).toEqual([]);
    expect(judgeInputRun('/c/a.csv', run(0), quiet, { read: 12, written: 8, rejected: 0, dropped: 0 }).problems).toEqual([
      'rows read 12 != written 8 + rejected 0 + dropped 0',
    ]);
  });

  it('judges each sink on its own when a run writes to several (DynamoDB and Parquet both get every row)', () => {
    const sinks = [
      { name: 'dynamodb:inv', rowsOut: 7, rejected: 1, dropped: 3 },
      { name: 'out/part-0.parquet', rowsOut: 11, rejected: 0, dropped: 0 },
    ];
    // 12 read, 1 rejected by the cast before the fan-out, 1 by DynamoDB: written 18 counts both sinks.
    expect(judgeInputRun('/c/a.csv', run(0), quiet, { read: 12, written: 18, rejected: 2, dropped: 3, sinks }).problems).toEqual([]);
    const short = [sinks[0] as (typeof sinks)[number], { name: 'out/part-0.parquet', rowsOut: 10, rejected: 0, dropped: 0 }];
    expect(judgeInputRun('/c/a.csv', run(0), quiet, { read: 12, written: 17, rejected: 2, dropped: 3, sinks: short }).problems).toEqual([
      'out/part-0.parquet: rows read 12 != rejected 1 + written 10 + its rejected 0 + dropped 0',
    ]);
  });

  it('accepts a one-line failure naming the file', () => {
    const line = 'etl convert: /c/a.csv: line 3: unclosed quote';
    expect(judgeInputRun('/c/a.csv', run(1, line), { lines: [line], oneLine: true })).toEqual({ outcome: 'failed', problems: [] });
  });

  it('finds a failure that does not name the file, or takes more than one line', () => {
    expect(judgeInputRun('/c/a.csv', run(1), { lines: ['something failed'], oneLine: true }).problems).toEqual([
      'the failure does not name a.csv: something failed',
    ]);
    expect(judgeInputRun('/c/a.csv', run(2), { lines: ['a.csv: bad', 'more'], oneLine: true }).problems).toEqual([
      'the failure takes 2 lines: a.csv: bad | more',
    ]);
  });

  it('finds a crash: a signal, another exit code, a stack trace', () => {
    expect(judgeInputRun('/c/a.csv', run(null), quiet).outcome).toBe('crashed');
    expect(judgeInputRun('/c/a.csv', run(134), quiet).problems).toEqual(['exit 134']);
    const trace = 'TypeError: x is undefined\n    at parse (file:///app/main.mjs:10:5)\n';
    expect(judgeInputRun('/c/a.csv', run(1, `a.csv: ${trace}`), { lines: ['a.csv: TypeError'], oneLine: false }).problems).toEqual([
      'stack trace or uncaught error: at parse (file:///app/main.mjs:10:5)',
    ]);
  });
});
