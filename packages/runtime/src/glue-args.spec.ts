import { describe, expect, it } from 'vitest';
import { closestName, envNameFor, parseGlueArgs } from './glue-args.js';

describe('parseGlueArgs', () => {
  it('reads --key value, --key=value and bare flags', () => {
    expect(parseGlueArgs(['--JOB_NAME', 'inv', '--source=s3://b/k.csv', '--dry_run', '--limit', '5']).values).toEqual({
      JOB_NAME: 'inv',
      source: 's3://b/k.csv',
      dry_run: 'true',
      limit: '5',
    });
  });

  it('keeps "=" inside values and empty values', () => {
    expect(parseGlueArgs(['--filter=a=b', '--note=']).values).toEqual({ filter: 'a=b', note: '' });
  });

  it('reports stray words and conflicting repeats', () => {
    const { problems } = parseGlueArgs(['stray', '--a', '1', '--a', '2']);
    expect(problems).toEqual([
      'unexpected "stray": arguments are written --name value or --name=value',
      '--a is given twice ("1" and "2")',
    ]);
  });
});

describe('helpers', () => {
  it('names the environment variable of an argument', () => {
    expect(envNameFor('table_prefix')).toBe('ETL_TABLE_PREFIX');
  });

  it('suggests the closest known argument', () => {
    expect(closestName('tabel_prefix', ['table_prefix', 'source'])).toBe('table_prefix');
    expect(closestName('zzz', ['table_prefix', 'source'])).toBeUndefined();
  });
});
