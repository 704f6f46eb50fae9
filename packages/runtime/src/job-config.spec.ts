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
      sample: false,
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
      '--max_in_flight: must be a whole number (got "lots")',
      '--upsert_keys: required',
    ]);
  });

  it('names the environment variable a bad value came from, and the argument when one was given as well', () => {
    const fromEnv = resolveJobConfig(shape, ['--source', 'a', '--upsert_keys', 'id'], { ETL_MAX_IN_FLIGHT: 'two' });
    expect(fromEnv).toEqual({ ok: false, problems: ['ETL_MAX_IN_FLIGHT (--max_in_flight): must be a whole number (got "two")'] });
    const both = resolveJobConfig(shape, ['--source', 'a', '--upsert_keys', 'id', '--max_in_flight', '0'], { ETL_MAX_IN_FLIGHT: '8' });
    expect(both).toEqual({ ok: false, problems: ['--max_in_flight: must be positive (got "0")'] });
  });

  it('an optional whole number is absent unless given, and refused when not one', () => {
    const counted = { ...shape, threads: arg.optionalPositiveInt('Threads') };
    const base = ['--source', 'a', '--upsert_keys', 'id'];
    const absent = resolveJobConfig(counted, base, {});
    expect(absent.ok && absent.config.threads).toBeUndefined();
    expect(resolveJobConfig(counted, [...base, '--threads', '3'], {})).toMatchObject({ ok: true, config: { threads: 3 } });
    for (const bad of ['0', '1.5', 'many'])
      expect(resolveJobConfig(counted, [...base, '--threads', bad], {})).toMatchObject({
        ok: false,
        problems: [expect.stringMatching(/^--threads: /)],
      });
  });

  it('refuses a location no store can reach before the run, naming the argument (issue: a bad bucket failed after the scan)', () => {
    const places = { output: arg.location('Where rows go'), archive: arg.optionalLocation('Where files go'), ...shape };
    const run = (...argv: string[]) => resolveJobConfig(places, ['--source', 'in.csv', '--upsert_keys', 'id', ...argv], {});
    expect(run('--output', 's3://lake/out/', '--archive', './archive/')).toMatchObject({ ok: true, config: { output: 's3://lake/out/' } });
    expect(run('--output', 's3://b/out/', '--archive', 's3:/lake/archive')).toEqual({
      ok: false,
      problems: [
        '--output: "s3://b/out/" does not name a valid S3 bucket (3-63 lowercase letters, digits, dots, hyphens)',
        '--archive: "s3:/lake/archive" is neither a URI nor a path: use s3://bucket/key, file:///path or a local path (./s3:/lake/archive for a file so named)',
      ],
    });
    expect(resolveJobConfig(places, ['--output', 'gs://x/'], { ETL_SOURCE: 'a', ETL_UPSERT_KEYS: 'id' })).toMatchObject({
      problems: ['--output: unsupported location "gs://x/": use s3://bucket/key, file:///path or a local path'],
    });
    // An empty value is said once.
    expect(run('--output', '')).toMatchObject({ problems: ['--output: must not be empty (got "")'] });
    // A folder of this machine takes a path, not a URI.
    const folders = { spill: arg.optionalFolder('Spill files'), ...shape };
    const spill = (value: string) => resolveJobConfig(folders, ['--source', 'in.csv', '--upsert_keys', 'id', '--spill', value], {});
    expect(spill('./tmp/spill')).toMatchObject({ ok: true });
    expect(spill('s3://lake/tmp')).toMatchObject({
      problems: ['--spill: "s3://lake/tmp" is not a folder on this machine: give a local path'],
    });
    expect(spill('s3:/lake/tmp')).toMatchObject({ problems: [expect.stringContaining('is neither a URI nor a path')] });
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

describe('argument names (issue: a dashed argument was silently dropped and the sample loaded instead)', () => {
  const job = {
    source: arg.data(arg.string('CSV to load'), 'sample.csv'),
    table_prefix: arg.data(arg.string('Table'), 'sample-table'),
    max_rejects: arg.positiveInt('Rejects allowed', 1),
    local_dir: arg.string('State').default('.local'),
  };

  it('reads --a-b as --a_b', () => {
    const result = resolveJobConfig(job, ['--source', 'x.csv', '--table-prefix', 'acs-pop', '--max-rejects', '5'], {});
    expect(result).toMatchObject({ ok: true, sample: false, config: { source: 'x.csv', table_prefix: 'acs-pop', max_rejects: 5 } });
  });

  it('refuses a bare argument that needs a value (a bare --source used to become the string "true")', () => {
    const result = resolveJobConfig(job, ['--source', '--table_prefix', 't'], {});
    expect(result).toEqual({ ok: false, problems: ['--source: needs a value (--source <value> or --source=<value>)'] });
  });

  it('refuses one argument given in both spellings with different values', () => {
    const result = resolveJobConfig(job, ['--source', 'x', '--table-prefix', 'a', '--table_prefix', 'b'], {});
    expect(result).toEqual({ ok: false, problems: ['--table-prefix and --table_prefix are one argument, given twice ("a" and "b")'] });
  });

  it('ignores only the arguments AWS Glue itself passes; any other unknown argument, dashed or not, is an error', () => {
    const result = resolveJobConfig(job, ['--source', 'x', '--table_prefix', 't', '--enable-metrics', '', '--creat-table', 'yes'], {});
    expect(result).toEqual({ ok: false, problems: ['--creat-table: unknown argument'] });
    const glue = resolveJobConfig(job, ['--source', 'x', '--table_prefix', 't', '--enable-metrics', 'true', '--JOB_RUN_ID', 'jr_1'], {});
    expect(glue).toMatchObject({ ok: true, ignored: ['enable-metrics', 'JOB_RUN_ID'] });
  });
});

describe('sample mode (issue: sample defaults leaked into real runs)', () => {
  const job = {
    source: arg.data(arg.string('CSV to load'), 'sample.csv'),
    upsert_keys: arg.data(arg.list('Keys'), ['customer_id']),
    local_dir: arg.string('State').default('.local'),
  };

  it('runs the bundled sample with no arguments, or only arguments that say where state goes', () => {
    expect(resolveJobConfig(job, [], {})).toMatchObject({
      ok: true,
      sample: true,
      config: { source: 'sample.csv', upsert_keys: ['customer_id'] },
    });
    expect(resolveJobConfig(job, ['--local_dir', 'x'], {}, { runArgs: ['local_dir'] })).toMatchObject({ ok: true, sample: true });
  });

  it('requires every argument that names data once any of them is given, listing all that are missing', () => {
    const result = resolveJobConfig({ ...job, schema: arg.data(arg.string('Schema'), 's.csv') }, ['--source', 'real.csv'], {});
    expect(result).toEqual({
      ok: false,
      problems: [
        '--upsert_keys: required: it names the data of a real run (with no arguments, or --sample, the bundled sample runs)',
        '--schema: required: it names the data of a real run (with no arguments, or --sample, the bundled sample runs)',
      ],
    });
  });

  it('takes --sample with arguments that override parts of it', () => {
    const shape = { ...job, sample: arg.flag('Sample') };
    expect(resolveJobConfig(shape, ['--sample', '--upsert_keys', 'id'], {})).toMatchObject({
      ok: true,
      sample: true,
      config: { source: 'sample.csv', upsert_keys: ['id'] },
    });
    expect(resolveJobConfig(shape, ['--sample', 'false'], {})).toMatchObject({ ok: false });
  });

  it('says in --help which arguments have a sample value', () => {
    expect(formatHelp('j', 'd', job)).toContain('CSV to load [required; sample: sample.csv; env ETL_SOURCE]');
    // An optional argument the sample sets (partitions, a catalog database) stays optional in a real run.
    const partitioned = { ...job, partition_by: arg.data(arg.optionalString('Partitions'), 'day') };
    expect(formatHelp('j', 'd', partitioned)).toContain('Partitions [optional; sample: day; env ETL_PARTITION_BY]');
    expect(resolveJobConfig(partitioned, ['--source', 'real.csv', '--upsert_keys', 'id'], {})).toMatchObject({ ok: true });
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

  it("names an enum's values", () => {
    const help = formatHelp('job', 'A job', { create_table: arg.enum(['auto', 'yes', 'no'] as const, 'auto', 'Create the table') });
    expect(help).toContain('--create_table         Create the table [one of auto, yes, no; default: "auto"; env ETL_CREATE_TABLE]');
    const bad = resolveJobConfig(
      { create_table: arg.enum(['auto', 'yes', 'no'] as const, 'auto', 'Create the table') },
      ['--create_table', 'maybe'],
      {},
    );
    expect(bad).toEqual({ ok: false, problems: ['--create_table: must be one of auto, yes, no (got "maybe")'] });
  });
});
