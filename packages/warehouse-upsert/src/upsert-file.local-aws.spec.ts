import { ListStatementsCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '@etl/core/testing';
import { startLocalAws, type LocalAws } from '@etl/local-aws';
import { createObjectStore, createS3Client } from '@etl/object-store';
import { AUDIT_EXISTS_SQL, auditLoadedSql, DESCRIBE_TABLE_SQL, VIEW_BACKUP_EXISTS_SQL, VIEW_DEPENDENTS_SQL } from '@etl/table-sync';
import { RedshiftDataWarehouse } from '@etl/warehouse';
import { upsertFile } from './upsert-file.js';
import { resolveUpsertOptions } from './upsert-options.js';

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

/** Every SQL text the Data API stand-in was sent, oldest first (a batch's statements in order). */
async function sentToDataApi(): Promise<string[]> {
  const client = new RedshiftDataClient({
    endpoint: stack.env['AWS_ENDPOINT_URL_REDSHIFT_DATA'],
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const statements = (await client.send(new ListStatementsCommand({ MaxResults: 100 }))).Statements ?? [];
  client.destroy();
  return statements.reverse().flatMap((s) => s.QueryStrings ?? (s.QueryString ? [s.QueryString] : []));
}

describe('upsertFile through the Redshift Data API', () => {
  it('sends Redshift exactly the statements its dry run plans: the COPY with its IAM role, quoted columns and TIMEFORMAT', async () => {
    const objects = createObjectStore({ env: stack.env });
    await objects.put('s3://lake/in/customers.csv', 'Customer ID,Name\n1,Ann\n2,Bob\n');
    const warehouse = new RedshiftDataWarehouse({
      workgroupName: 'local',
      database: 'dev',
      iamRole: 'arn:aws:iam::000000000000:role/load',
      env: { ...stack.env },
    });
    const options = resolveUpsertOptions({ table: 'public.customers', keys: ['customer_id'], stagingPrefix: 's3://lake/staging/' });
    const { ctx } = testContext();
    try {
      const dry = await upsertFile('s3://lake/in/customers.csv', 0, { ...options, dryRun: true }, ctx, { objects, warehouse });
      const before = (await sentToDataApi()).length;
      const loaded = await upsertFile('s3://lake/in/customers.csv', 0, options, ctx, { objects, warehouse });
      expect(loaded).toMatchObject({ status: 'SUCCESS', inserted: 2 });
      const reads = new Set([
        DESCRIBE_TABLE_SQL,
        VIEW_DEPENDENTS_SQL,
        VIEW_BACKUP_EXISTS_SQL,
        AUDIT_EXISTS_SQL,
        auditLoadedSql('public.job_sts'),
      ]);
      const sent = (await sentToDataApi()).slice(before).filter((sql) => !reads.has(sql));
      expect(sent).toEqual(dry.plan.map((s) => s.sql));
      expect(sent.find((sql) => sql.startsWith('COPY'))).toBe(
        `COPY "public"."stg_run_test_0" ("customer_id", "name", "__etl_line") FROM 's3://lake/staging/run-test/0/part-00000.csv.gz' IAM_ROLE 'arn:aws:iam::000000000000:role/load' FORMAT AS CSV GZIP NULL AS '\\\\N' TIMEFORMAT 'auto'`,
      );
    } finally {
      await warehouse.close();
    }
  });
});
