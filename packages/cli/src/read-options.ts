import type { ReadOptions } from '@etl/convert';
import type { OptionSpec, OptionValues } from './parse-options.js';

/** How an input file is read: the one definition `etl sniff`, `convert` and `cat` share (`@etl/convert` `ReadOptions`). */
export const READ_OPTIONS = {
  encoding: {
    type: 'string',
    value: 'LABEL',
    help: 'text encoding (WHATWG label: utf-8, shift_jis, windows-1252 …); detected when absent',
  },
  delimiter: { type: 'string', value: 'C', help: 'CSV delimiter (\\t for tab); sniffed when absent' },
  header: {
    type: 'boolean',
    negatable: true,
    help: "whether the CSV's first record names the columns (--no-header: columns are column_1, …); sniffed when absent",
  },
  'skip-lines': { type: 'string', value: 'N', help: 'physical lines above the CSV header to drop (titles, notes)' },
  'join-short-rows': { type: 'boolean', help: 'join a CSV row with too few fields to the next (values with unquoted line breaks)' },
  'null-values': { type: 'string', value: 'A,B,…', help: 'texts read as null in every column, e.g. NA,N/A,NONE,NULL,.' },
  'decimal-separator': { type: 'string', value: ',', help: 'numbers written with a decimal comma (1,7); types are inferred so too' },
  'group-separator': {
    type: 'string',
    value: '.',
    help: 'thousands separator dropped from numbers (200.000.000); types are inferred so too',
  },
  'time-zone': { type: 'string', value: 'ZONE', help: 'IANA zone of timestamps without an offset (default UTC)' },
  'infer-from': {
    type: 'string',
    value: 'sample|file',
    help: 'CSV without a schema: types from the first MiB (default) or from every record (one more pass over the file, holding a few numbers per column; a late text value types its column)',
  },
} as const satisfies OptionSpec;

/** The read options given, or what is wrong with them. */
export function readOptionsOf(values: OptionValues<typeof READ_OPTIONS>): { options: ReadOptions; problems: string[] } {
  const problems: string[] = [];
  const options: ReadOptions = {};
  if (values.encoding) options.encoding = values.encoding;
  if (values.delimiter !== undefined) {
    // `\t` as typed on a command line means tab.
    const delimiter = values.delimiter === '\\t' ? '\t' : values.delimiter;
    if (delimiter.length !== 1) problems.push(`--delimiter must be one character (\\t for tab), got ${values.delimiter}`);
    else options.delimiter = delimiter;
  }
  if (values.header !== undefined) options.header = values.header;
  if (values['skip-lines'] !== undefined) {
    const n = Number(values['skip-lines']);
    if (!Number.isInteger(n) || n < 0) problems.push(`--skip-lines must be a whole number, got ${values['skip-lines']}`);
    else options.skipLines = n;
  }
  if (values['join-short-rows']) options.joinShortRows = true;
  if (values['null-values'] !== undefined) options.nullValues = values['null-values'].split(',');
  const decimal = values['decimal-separator'];
  if (decimal !== undefined) {
    if (decimal !== '.' && decimal !== ',') problems.push(`--decimal-separator must be . or , got ${decimal}`);
    else options.decimalSeparator = decimal;
  }
  const group = values['group-separator'];
  if (group !== undefined) {
    if (group.length !== 1 || /[\d+-]/.test(group))
      problems.push(`--group-separator must be one character other than a digit or sign, got ${group}`);
    else if (group === (options.decimalSeparator ?? '.'))
      problems.push(`--group-separator ${group} needs --decimal-separator ${group === '.' ? ',' : '.'} (it cannot be both)`);
    else options.groupSeparator = group;
  }
  const zone = values['time-zone'];
  if (zone !== undefined) {
    if (!isTimeZone(zone)) problems.push(`--time-zone must be an IANA zone such as Europe/Berlin, got ${zone}`);
    else options.timeZone = zone;
  }
  const inferFrom = values['infer-from'];
  if (inferFrom !== undefined) {
    if (inferFrom !== 'sample' && inferFrom !== 'file') problems.push(`--infer-from must be sample or file, got ${inferFrom}`);
    else options.inferFrom = inferFrom;
  }
  return { options, problems };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone !== '';
  } catch {
    return false;
  }
}
