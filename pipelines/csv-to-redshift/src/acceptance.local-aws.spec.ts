import { Writable } from 'node:stream';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { localRedshiftArgs, startLocalAws, type LocalAws } from '@etl/local-aws';
import { createObjectStore, createS3Client, type ObjectStore } from '@etl/object-store';
import { runJob } from '@etl/runtime';
import { RedshiftDataWarehouse } from '@etl/warehouse';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvToRedshiftAcceptance } from './acceptance.contract.js';
import { csvToRedshiftJob } from './job.js';

/**
 * The acceptance scenarios against the local AWS stack, reached by endpoint only: sources, staging and
 * run outputs on S3 (moto), the warehouse through the Redshift Data API stand-in on a PostgreSQL 15
 * server (the embedded run covers PGlite).
 */
let stack: LocalAws;
let objects: ObjectStore;
beforeAll(async () => {
  stack = await startLocalAws({ services: ['s3', 'redshift-data'], warehouse: 'postgres' });
  const s3 = createS3Client({ ...stack.env });
  await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
  s3.destroy();
  objects = createObjectStore({ env: stack.env });
});
afterAll(async () => {
  await stack?.stop();
});

function capture(): Writable & { text: string } {
  const out = Object.assign(new Writable({ write: (chunk, _e, cb) => ((out.text += String(chunk)), cb()) }), { text: '' });
  return out;
}

const stagingPrefix = 's3://lake/staging/';

csvToRedshiftAcceptance('local AWS stack (S3 on moto, Redshift Data API on PostgreSQL 15)', () => ({
  objects,
  stagingPrefix,
  lateBindingViews: true,
  async run(...argv) {
    const stdout = capture();
    const aws = localRedshiftArgs('lake', { stagingPrefix });
    const code = await runJob(csvToRedshiftJob, {
      argv: [...argv, ...aws],
      env: { ...stack.env },
      stdout,
      stderr: capture(),
      handleSignals: false,
    });
    return { code, stdout: stdout.text };
  },
  async query(sql) {
    const warehouse = new RedshiftDataWarehouse({ workgroupName: 'local', database: 'dev', pollMs: 10, env: { ...stack.env } });
    try {
      return (await warehouse.query(sql)).rows;
    } finally {
      await warehouse.close();
    }
  },
  async put(name, content) {
    const uri = `s3://lake/in/${name}`;
    await objects.put(uri, content);
    return uri;
  },
}));

describe('csv-to-redshift: two loads of one table at once (array-job shards, two triggers)', () => {
  it("take turns at the merge: a load that meets another one's uncommitted merge still replaces its rows, no key twice", async () => {
    const aws = localRedshiftArgs('lake', { stagingPrefix });
    const load = async (name: string, content: string) => {
      const source = `s3://lake/in/${name}`;
      await objects.put(source, content);
      return runJob(csvToRedshiftJob, {
        argv: ['--source', source, '--target_table', 'public.shards', '--upsert_keys', 'id', ...aws],
        env: { ...stack.env },
        stdout: capture(),
        stderr: capture(),
        handleSignals: false,
      });
    };
    expect(await load('shards-0.csv', 'id,name\n1,a\n2,b\n3,c\n')).toBe(0);
    // Another load's merge, caught between its delete and its commit: its rows for keys 1 and 2 are in
    // the table but not yet visible to anyone else.
    const other = new pg.Client({ connectionString: stack.warehouseUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('DELETE FROM public.shards WHERE id IN (1, 2)');
      await other.query("INSERT INTO public.shards (id, name) VALUES (1, 'other'), (2, 'other')");
      const second = load('shards-1.csv', 'id,name\n1,x\n2,y\n');
      // The second load reaches its merge and waits on the other's locks; then the other commits.
      for (let waited = 0; ; waited += 50) {
        const { rows } = await other.query<{ waiting: string }>(
          "SELECT count(*) AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
        );
        if (Number(rows[0]?.waiting) > 0) break;
        if (waited > 30_000) throw new Error('the second load never waited for the first one');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await other.query('COMMIT');
      expect(await second).toBe(0);
    } finally {
      await other.end();
    }
    const check = new pg.Client({ connectionString: stack.warehouseUrl });
    await check.connect();
    try {
      const { rows: table } = await check.query<{ id: number; name: string }>('SELECT id, name FROM public.shards ORDER BY id, name');
      expect(table.map((r) => [Number(r.id), r.name])).toEqual([
        [1, 'x'],
        [2, 'y'],
        [3, 'c'],
      ]);
    } finally {
      await check.end();
    }
  });
});
