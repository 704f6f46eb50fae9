import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '@etl/core';
import { s3ClientFor, startLocalAws, type LocalAws } from '@etl/local-aws';
import { createObjectStore, type ObjectStore } from '@etl/object-store';
import { warehouseContract } from '../warehouse.contract.js';
import { RedshiftDataWarehouse } from './redshift-data-warehouse.js';

let n = 0;

/** The same contract through the Data API, with the stand-in on both of its engines. */
for (const engine of ['pglite', 'postgres'] as const) {
  describe(`stand-in on ${engine}`, () => {
    let stack: LocalAws;
    let warehouse: RedshiftDataWarehouse;
    let objects: ObjectStore;

    beforeAll(async () => {
      stack = await startLocalAws({ services: ['s3', 'redshift-data'], warehouse: engine });
      const s3 = s3ClientFor(stack.endpoints['S3'] ?? '');
      await s3.send(new CreateBucketCommand({ Bucket: 'staging' }));
      s3.destroy();
      objects = createObjectStore({ env: stack.env });
      // Reached by endpoint, as any Data API client: AWS_ENDPOINT_URL_REDSHIFT_DATA from the environment.
      warehouse = new RedshiftDataWarehouse({
        workgroupName: 'local',
        database: 'dev',
        iamRole: 'arn:aws:iam::000000000000:role/local-copy',
        pollMs: 10,
        env: stack.env,
      });
    }, 120_000);

    afterAll(async () => {
      await warehouse?.close();
      await stack?.stop();
    });

    warehouseContract(`Redshift Data API (local stand-in on ${engine})`, () => ({
      warehouse,
      objects,
      stagingRoot: () => `s3://staging/run-${++n}/`,
    }));

    if (engine === 'postgres') {
      // PGlite runs SQL on the stand-in's own thread: a sleeping statement there would stall the polls too.
      it('polls a running statement a tenth longer each time, from 50 ms', async () => {
        const waits: number[] = [];
        const clock = { ...systemClock, sleep: (ms: number, signal?: AbortSignal) => (waits.push(ms), systemClock.sleep(ms, signal)) };
        const polling = new RedshiftDataWarehouse({ workgroupName: 'local', database: 'dev', clock, env: stack.env });
        // 1.2 s: the first eight waits (593 ms) and their eight round trips fit in it even on a loaded machine
        // (with 0.6 s, a CI run under load saw seven).
        const result = await polling.query('SELECT pg_sleep(1.2) IS NULL AS slept');
        await polling.close();
        expect(result.rows).toEqual([[false]]);
        expect(waits.length).toBeGreaterThanOrEqual(8); // 50 + 56 + 62 + 69 + 76 + 84 + 93 + 103 ms < 1.2 s
        expect(waits.slice(0, 8)).toEqual([50, 56, 62, 69, 76, 84, 93, 103]);
      });
    }
  });
}

describe('RedshiftDataWarehouse', () => {
  it('refuses a configuration naming both or neither of workgroup and cluster', () => {
    expect(() => new RedshiftDataWarehouse({ database: 'dev' })).toThrow('exactly one of workgroupName');
  });

  it('needs an IAM role to load staged files, and says so before calling anything', async () => {
    const noRole = new RedshiftDataWarehouse({
      workgroupName: 'local',
      database: 'dev',
      env: { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
    await expect(noRole.loadCsv({ table: 't', columns: ['a'], stagingUri: 's3://staging/x/' })).rejects.toThrow('needs an IAM role');
    await noRole.close();
  });
});
