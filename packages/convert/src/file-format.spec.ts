import { TerminalError } from '@etl/core';
import { describe, expect, it } from 'vitest';
import { formatOf } from './file-format.js';

describe('formatOf', () => {
  it('takes the format named, else the one the extension says (under .gz / .bz2)', () => {
    expect(formatOf('in.txt', 'ndjson')).toBe('ndjson');
    expect(formatOf('s3://bucket/in.tsv.gz')).toBe('csv');
    expect(formatOf('in.JSONL.bz2')).toBe('ndjson');
    expect(formatOf('in.pq')).toBe('parquet');
  });

  it('an unknown format is a BAD_ARGUMENT naming it and the known ones', () => {
    const error = catchError(() => formatOf('in.csv', 'xlsx'));
    expect(error).toBeInstanceOf(TerminalError);
    expect(error).toMatchObject({ code: 'BAD_ARGUMENT', message: 'unknown format "xlsx": name one of csv, parquet, ndjson' });
  });

  it('an unknown or missing extension is a BAD_ARGUMENT naming the file and --format', () => {
    for (const uri of ['s3://bucket/in.xlsx', 'in']) {
      const error = catchError(() => formatOf(uri));
      expect(error).toBeInstanceOf(TerminalError);
      expect(error).toMatchObject({
        code: 'BAD_ARGUMENT',
        message: `cannot tell the format of ${uri} from its extension; pass --format csv|parquet|ndjson`,
      });
    }
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
