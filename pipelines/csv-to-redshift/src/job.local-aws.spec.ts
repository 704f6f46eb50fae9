import { Writable } from 'node:stream';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { localRedshiftArgs, startLocalAws, type LocalAws } from '@etl/local-aws';
import { createObjectStore, createS3Client } from '@etl/object-store';
import { runJob } from '@etl/runtime';
import { RedshiftDataWarehouse } from '@etl/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvToRedshiftJob } from './job.js';

/**
 * The same job, reaching AWS-shaped services by endpoint only: S3 (moto) for sources and staging, the
 * Redshift Data API stand-in for the warehouse, with a workgroup and an IAM role as on AWS.
 */
let stack: LocalAws;
beforeAll(async () => {
  stack = await startLocalAws({ services: ['s3', 'redshift-data'] });
  const s3 = createS3Client({ ...stack.env });
  await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
  s3.destroy();
});
afterAll(async () => {
  await stack?.stop();
});

function capture(): Writable & { text: string } {
  const out = Object.assign(new Writable({ write: (chunk, _e, cb) => ((out.text += String(chunk)), cb()) }), { text: '' });
  return out;
}

describe('csv-to-redshift against the local AWS stack', () => {
  it('--check_only probes warehouse, privileges, staging and the COPY role, loads nothing: exit 0, or 2 naming what would fail', async () => {
    const objects = createObjectStore({ env: stack.env });
    await objects.put('s3://lake/check/orders.csv', 'Order ID,Amount\n1,2.50\n');
    const run = async (...extra: string[]) => {
      const stdout = capture();
      const stderr = capture();
      const code = await runJob(csvToRedshiftJob, {
        argv: [
          '--source',
          's3://lake/check/orders.csv',
          '--upsert_keys',
          'order_id',
          ...localRedshiftArgs('lake', { stagingPrefix: 's3://lake/check-staging/' }),
          '--check_only',
          ...extra,
        ],
        env: { ...stack.env },
        stdout,
        stderr,
        handleSignals: false,
      });
      return { code, out: stdout.text + stderr.text };
    };
    const good = await run('--target_table', 'public.checked');
    expect(good.code, good.out).toBe(0);
    expect(good.out).toContain('COPY reads the staging prefix with the IAM role (a 0-row COPY into a temporary table): ok');
    expect(good.out).toMatch(/check only: all \d+ checks passed; nothing was loaded/);
    const bad = await run('--target_table', 'nowhere.checked');
    expect(bad.code, bad.out).toBe(2);
    expect(bad.out).toContain('--check_only: schema nowhere exists and takes new tables');
    expect(bad.out).toContain('schema nowhere does not exist: create it');

    // Nothing changed: no table, no staged file left, the source where it was.
    const warehouse = new RedshiftDataWarehouse({ workgroupName: 'local', database: 'dev', env: { ...stack.env } });
    try {
      expect(
        (await warehouse.query("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('checked', 'job_sts')")).rows,
      ).toEqual([[0]]);
    } finally {
      await warehouse.close();
    }
    expect(await objects.head('s3://lake/check/orders.csv')).toBeDefined();
    const staged: string[] = [];
    for await (const entry of objects.list('s3://lake/check-staging/')) staged.push(entry.uri);
    expect(staged).toEqual([]);
  });

  it('loads every file under an S3 prefix in key order through the Data API, archives them and cleans staging', async () => {
    const objects = createObjectStore({ env: stack.env });
    await objects.put('s3://lake/in/2026-11-01.csv', 'Customer ID,Name,Credit Limit\n1,株式会社テスト,100.50\n2,Acme,200\n');
    await objects.put(
      's3://lake/in/2026-11-02.csv',
      'Customer ID,Name,Credit Limit,Segment\n2,"Acme, Inc.",250.75,enterprise\n3,Beta,0.01,smb\n',
    );
    const stdout = capture();
    const code = await runJob(csvToRedshiftJob, {
      argv: [
        '--source',
        's3://lake/in/',
        '--target_table',
        'public.customers',
        '--upsert_keys',
        'customer_id',
        ...localRedshiftArgs('lake'),
      ],
      env: { ...stack.env },
      stdout,
      stderr: capture(),
      handleSignals: false,
    });
    expect(code, stdout.text).toBe(0);

    const warehouse = new RedshiftDataWarehouse({ workgroupName: 'local', database: 'dev', env: { ...stack.env } });
    try {
      expect(
        (await warehouse.query('SELECT customer_id, name, credit_limit::text, segment FROM public.customers ORDER BY customer_id')).rows,
      ).toEqual([
        [1, '株式会社テスト', '100.500000000000000000', null],
        [2, 'Acme, Inc.', '250.750000000000000000', 'enterprise'],
        [3, 'Beta', '0.010000000000000000', 'smb'],
      ]);
      expect(
        (
          await warehouse.query(
            'SELECT source_filename, records_read, records_updated, records_inserted, status FROM public.job_sts ORDER BY run_start_ts',
          )
        ).rows,
      ).toEqual([
        ['s3://lake/in/2026-11-01.csv', 2, 0, 2, 'SUCCESS'],
        ['s3://lake/in/2026-11-02.csv', 2, 1, 1, 'SUCCESS'],
      ]);
    } finally {
      await warehouse.close();
    }
    const now = new Date();
    const month = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    const left: string[] = [];
    for await (const object of objects.list('s3://lake/')) left.push(object.uri);
    // Seed 003's layout: archive/ is a sibling of the in/ folder the files were read from.
    expect(left.filter((u) => u.startsWith('s3://lake/in/'))).toEqual([]);
    expect(left.filter((u) => u.startsWith('s3://lake/archive/'))).toEqual([
      `s3://lake/archive/${month}/2026-11-01.csv`,
      `s3://lake/archive/${month}/2026-11-02.csv`,
    ]);
    expect(left.filter((u) => u.startsWith('s3://lake/staging/'))).toEqual([]);
    expect(left.some((u) => u.startsWith('s3://lake/runs/') && u.endsWith('report.json'))).toBe(true);

    // Run again: archived files under the prefix are not loaded a second time.
    const again = capture();
    const code2 = await runJob(csvToRedshiftJob, {
      argv: [
        '--source',
        's3://lake/in/',
        '--target_table',
        'public.customers',
        '--upsert_keys',
        'customer_id',
        ...localRedshiftArgs('lake'),
      ],
      env: { ...stack.env },
      stdout: again,
      stderr: capture(),
      handleSignals: false,
    });
    expect(code2).toBe(0);
    expect(again.text).toContain('nothing to load under s3://lake/in/');
  });

  it('a run stopped by a signal between COPY and merge leaves the file in place, loads nothing, and the next run loads it once', async () => {
    const objects = createObjectStore({ env: stack.env });
    const source = 's3://lake/stop/orders.csv';
    await objects.put(source, `order_id,amount\n${Array.from({ length: 5000 }, (_, i) => `${i + 1},${i}.5`).join('\n')}\n`);
    const args = ['--source', source, '--target_table', 'public.orders', '--upsert_keys', 'order_id', ...localRedshiftArgs('lake')];
    // SIGTERM as the runtime turns it into an abort, raised the moment the COPY into staging is logged.
    const stop = new AbortController();
    const stopped = Object.assign(
      new Writable({
        write: (chunk, _e, cb) => {
          stopped.text += String(chunk);
          if (String(chunk).includes('COPY into')) stop.abort(Object.assign(new Error('run stopped by SIGTERM'), { name: 'AbortError' }));
          cb();
        },
      }),
      { text: '' },
    );
    const code = await runJob(csvToRedshiftJob, {
      argv: args,
      env: { ...stack.env },
      stdout: stopped,
      stderr: capture(),
      handleSignals: false,
      signal: stop.signal,
    });
    expect(code, stopped.text).not.toBe(0);
    expect(stopped.text).toContain(`${source} left in place`);
    expect(await objects.head(source)).toBeDefined();

    const warehouse = new RedshiftDataWarehouse({ workgroupName: 'local', database: 'dev', env: { ...stack.env } });
    try {
      // The table is created only after the last part's COPY: stopped there, no table and no staging table.
      expect(
        (await warehouse.query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'orders' OR table_name LIKE 'stg%'"))
          .rows,
      ).toEqual([[0]]);
      const again = capture();
      expect(
        await runJob(csvToRedshiftJob, { argv: args, env: { ...stack.env }, stdout: again, stderr: capture(), handleSignals: false }),
        again.text,
      ).toBe(0);
      expect((await warehouse.query('SELECT count(*), count(DISTINCT order_id), sum(amount)::text FROM public.orders')).rows).toEqual([
        [5000, 5000, '12500000.000000000000000000'],
      ]);
      expect(
        (
          await warehouse.query(
            "SELECT status, records_inserted FROM public.job_sts WHERE source_filename = 's3://lake/stop/orders.csv' ORDER BY run_start_ts",
          )
        ).rows,
      ).toEqual([
        ['FAILED', 0],
        ['SUCCESS', 5000],
      ]);
    } finally {
      await warehouse.close();
    }
    expect(await objects.head(source)).toBeUndefined(); // archived by the run that loaded it
  });
});
