import { Writable } from 'node:stream';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { localRedshiftArgs, startLocalAws, type LocalAws } from '@etl/local-aws';
import { createObjectStore, createS3Client, type ObjectStore } from '@etl/object-store';
import { runJob } from '@etl/runtime';
import { RedshiftDataWarehouse } from '@etl/warehouse';
import { afterAll, beforeAll } from 'vitest';
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
