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
      'rows read 5 != written 3 + rejected 1',
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
