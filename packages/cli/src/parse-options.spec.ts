import { describe, expect, it } from 'vitest';
import { describeOptions, parseOptions, type OptionSpec } from './parse-options.js';

const spec = {
  'skip-lines': { type: 'string', value: 'N', help: 'lines to drop' },
  'local-dir': { type: 'string', value: 'DIR', help: 'where the state is' },
  header: { type: 'boolean', negatable: true, help: 'first record names the columns' },
  'join-short-rows': { type: 'boolean', help: 'join short rows' },
} as const satisfies OptionSpec;

describe('parseOptions', () => {
  it('takes --a-b and --a_b as the same option, with the value after it or after =', () => {
    expect(parseOptions(['in.csv', '--skip_lines', '2', '--local-dir=/tmp/x'], spec)).toEqual({
      values: { 'skip-lines': '2', 'local-dir': '/tmp/x' },
      positionals: ['in.csv'],
      problems: [],
    });
    expect(parseOptions(['--local_dir=.state', '--join_short_rows'], spec).values).toEqual({
      'local-dir': '.state',
      'join-short-rows': true,
    });
  });

  it('reads --flag as true, --no-flag as false for negatable flags, and --flag=false', () => {
    expect(parseOptions(['--header'], spec).values).toEqual({ header: true });
    expect(parseOptions(['--no-header'], spec).values).toEqual({ header: false });
    expect(parseOptions(['--no_header'], spec).values).toEqual({ header: false });
    expect(parseOptions(['--header=false'], spec).values).toEqual({ header: false });
    expect(parseOptions(['--header=maybe', '--no-join-short-rows'], spec).problems).toEqual([
      '--header is true or false, got maybe',
      'unknown option --no-join-short-rows; did you mean --join-short-rows?',
    ]);
  });

  it('names an unknown option with the closest known one, and every problem at once', () => {
    expect(parseOptions(['--skip-line', '1', '--locl_dir', 'x', '--frobnicate', '--skip-lines'], spec).problems).toEqual([
      'unknown option --skip-line; did you mean --skip-lines?',
      'unknown option --locl-dir; did you mean --local-dir?',
      'unknown option --frobnicate',
      '--skip-lines needs a value (N)',
    ]);
    expect(parseOptions(['--head'], spec).problems).toEqual(['unknown option --head; did you mean --header?']);
    expect(parseOptions(['-x'], spec).problems).toEqual(['unknown option -x (options are written --name)']);
  });

  it('keeps a query starting with a SQL comment, a negative number and everything after -- as positionals', () => {
    expect(parseOptions(['-- latest\nSELECT 1', '-5', '--', '--header'], spec)).toEqual({
      values: {},
      positionals: ['-- latest\nSELECT 1', '-5', '--header'],
      problems: [],
    });
  });
});

describe('describeOptions', () => {
  it('lists each option once, with its value placeholder and --[no-] for negatable flags, wrapped to the width', () => {
    const text = describeOptions(spec, 60);
    expect(text.split('\n')).toEqual([
      '  --skip-lines N     lines to drop',
      '  --local-dir DIR    where the state is',
      '  --[no-]header      first record names the columns',
      '  --join-short-rows  join short rows',
    ]);
    const long = describeOptions({ x: { type: 'string', help: 'word '.repeat(30).trim() } }, 80);
    expect(long.split('\n').length).toBeGreaterThan(1);
    expect(long.split('\n').every((line) => line.length <= 80)).toBe(true);
    expect(long.replace(/\s+/g, ' ').trim()).toBe(`--x ${'word '.repeat(30).trim()}`);
  });
});
