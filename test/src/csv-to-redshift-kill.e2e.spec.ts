import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '@etl/local-aws';
import { createObjectStore, createS3Client, type ObjectStore } from '@etl/object-store';
import { RedshiftDataWarehouse } from '@etl/warehouse';
import { runBundled, startBundled } from './run-bundled.js';

let stack: LocalAws;
let objects: ObjectStore;
const work = mkdtempSync(join(tmpdir(), 'e2e-redshift-'));
const rows = 50_000;

beforeAll(async () => {
  stack = await startLocalAws({ services: ['s3', 'redshift-data'] });
  const s3 = createS3Client(stack.env);
  await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
  s3.destroy();
  objects = createObjectStore({ env: stack.env });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('csv-to-redshift, bundled, killed outright (SIGKILL) and run again', () => {
  it('loads every row exactly once, whatever the killed run had done', async () => {
    const source = 's3://lake/in/orders.csv';
    await objects.put(
      source,
      `order_id,amount,note\n${Array.from({ length: rows }, (_, i) => `${i + 1},${i % 1000}.25,"n, ${i}"`).join('\n')}\n`,
    );
    const args = [
      '--source',
      source,
      '--target_table',
      'public.orders',
      '--upsert_keys',
      'order_id',
      '--workgroup',
      'local',
      '--iam_role',
      'arn:aws:iam::000000000000:role/local',
      '--staging_prefix',
      's3://lake/staging/',
      '--run_output',
      's3://lake/runs/',
    ];
    const env = { ...stack.env };

    // No cleanup can run after SIGKILL: killed once its staging table is loaded, as an instance lost mid-load.
    const killed = startBundled('csv-to-redshift', args, { cwd: work, env });
    for (let waited = 0; !killed.stdout().includes('COPY into'); waited += 20) {
      if (killed.child.exitCode !== null || waited > 120_000)
        throw new Error(`the run ended or stalled before its COPY:\n${killed.stdout()}`);
      await delay(20);
    }
    killed.child.kill('SIGKILL');
    expect((await killed.done).signal).toBe('SIGKILL');
    expect(await objects.head(source)).toBeDefined(); // never archived: the next run finds it

    const again = await runBundled('csv-to-redshift', args, { cwd: work, env });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const warehouse = new RedshiftDataWarehouse({ workgroupName: 'local', database: 'dev', env });
    try {
      expect(
        (await warehouse.query('SELECT count(*), count(DISTINCT order_id), min(order_id), max(order_id) FROM public.orders')).rows,
      ).toEqual([[rows, rows, 1, rows]]);
      expect(
        (await warehouse.query("SELECT status, records_read FROM public.job_sts WHERE source_filename = 's3://lake/in/orders.csv'")).rows,
      ).toEqual([['SUCCESS', rows]]);
    } finally {
      await warehouse.close();
    }
    expect(await objects.head(source)).toBeUndefined(); // archived by the run that loaded it
  }, 240_000);
});
