import { describe, expect, it } from 'vitest';
import { arg, formatHelp, resolveJobConfig } from './job-config.js';

const shape = {
  source: arg.string('CSV to load'),
  max_in_flight: arg.positiveInt('Concurrent batch writes', 4),
  dry_run: arg.flag('Print the plan, change nothing'),
  upsert_keys: arg.list('Key columns'),
};

describe('resolveJobConfig', () => {
  it('validates and converts arguments, with defaults', () => {
    const result = resolveJobConfig(shape, ['--source', 'in.csv', '--upsert_keys', 'id, region', '--dry_run'], {});
    expect(result).toEqual({
      ok: true,
      ignored: [],
      config: { source: 'in.csv', max_in_flight: 4, dry_run: true, upsert_keys: ['id', 'region'] },
    });
  });

  it('takes ETL_* environment variables, arguments winning', () => {
    const result = resolveJobConfig(shape, ['--source', 'arg.csv'], {
      ETL_SOURCE: 'env.csv',
      ETL_UPSERT_KEYS: 'id',
      ETL_MAX_IN_FLIGHT: '8',
    });
    expect(result.ok && result.config).toMatchObject({ source: 'arg.csv', upsert_keys: ['id'], max_in_flight: 8 });
  });

  it('reports every problem at once, each naming its argument', () => {
    const result = resolveJobConfig(shape, ['--max_in_flight', 'lots', '--upsert_kyes', 'id', 'stray'], {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      'unexpected "stray": arguments are written --name value or --name=value',
      '--upsert_kyes: unknown argument (did you mean --upsert_keys?)',
      '--source: required',
      expect.stringMatching(/^--max_in_flight: .*\(got "lots"\)$/),
      '--upsert_keys: required',
    ]);
  });

  it('ignores the system arguments AWS Glue adds to every run', () => {
    const result = resolveJobConfig(
      shape,
      ['--source', 'a', '--upsert_keys', 'id', '--job-bookmark-option', 'job-bookmark-disable', '--TempDir', 's3://t/'],
      {},
    );
    expect(result).toMatchObject({ ok: true, ignored: ['job-bookmark-option', 'TempDir'] });
  });
});

describe('formatHelp', () => {
  it('lists every argument with its description, default and variable', () => {
    const help = formatHelp('csv-to-redshift', 'Upserts CSV into Redshift', shape);
    expect(help).toContain('--source');
    expect(help).toContain('CSV to load [required; env ETL_SOURCE]');
    expect(help).toContain('[default: 4; env ETL_MAX_IN_FLIGHT]');
  });

  it('keeps the description of an argument given a default after it (.default() wraps the described schema)', () => {
    const help = formatHelp('job', 'A job', {
      source: arg.string('CSV to load').default('sample.csv'),
      keys: arg.list('Key columns').default(['id']),
      region: arg.optionalString('AWS region'),
    });
    expect(help).toContain('--source               CSV to load [default: "sample.csv"; env ETL_SOURCE]');
    expect(help).toContain('--keys                 Key columns [default: ["id"]; env ETL_KEYS]');
    expect(help).toContain('--region               AWS region [optional; env ETL_REGION]');
  });
});
