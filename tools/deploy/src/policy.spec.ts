import { describe, expect, it } from 'vitest';
import type { PipelineResources } from './declaration.js';
import { taskPolicy } from './policy.js';

const target = { partition: 'aws', region: 'eu-west-1', account: '123456789012' };
const base: PipelineResources = { vcpu: 1, memoryMiB: 2048, timeoutMinutes: 10, runOutput: 's3://runs/job/' };

const resourcesOf = (resources: PipelineResources) => taskPolicy(resources, target).flatMap((s) => s.resources);

describe('taskPolicy', () => {
  it('grants objects under each declared prefix and lists the bucket only under those prefixes', () => {
    const statements = taskPolicy({ ...base, s3: [{ uri: 's3://lake/in/', access: 'read' }] }, target);
    expect(statements.find((s) => s.sid === 'S3ReadObjects')?.resources).toEqual(['arn:aws:s3:::runs/job/*', 'arn:aws:s3:::lake/in/*']);
    expect(statements.find((s) => s.sid === 'S3WriteObjects')?.resources).toEqual(['arn:aws:s3:::runs/job/*']);
    const lakeList = statements.find((s) => s.resources.includes('arn:aws:s3:::lake'));
    expect(lakeList).toMatchObject({ actions: ['s3:ListBucket'], conditions: { StringLike: { 's3:prefix': ['in/*'] } } });
  });

  it('writes only where access is readWrite', () => {
    const statements = taskPolicy(
      {
        ...base,
        s3: [
          { uri: 's3://lake/in/', access: 'read' },
          { uri: 's3://lake/out/', access: 'readWrite' },
        ],
      },
      target,
    );
    expect(statements.find((s) => s.sid === 'S3WriteObjects')?.resources).not.toContain('arn:aws:s3:::lake/in/*');
    expect(statements.find((s) => s.sid === 'S3WriteObjects')?.resources).toContain('arn:aws:s3:::lake/out/*');
  });

  it('a whole bucket lists without a prefix condition', () => {
    const statements = taskPolicy({ ...base, runOutput: 's3://runs/' }, target);
    expect(statements.find((s) => s.sid.startsWith('S3List'))?.conditions).toBeUndefined();
  });

  it('names a DynamoDB table, and lists tables (no resource type) only for a table prefix', () => {
    expect(resourcesOf({ ...base, dynamodb: [{ table: 'orders', access: 'read' }] })).toContain(
      'arn:aws:dynamodb:eu-west-1:123456789012:table/orders',
    );
    expect(resourcesOf({ ...base, dynamodb: [{ table: 'orders', access: 'read' }] })).not.toContain('*');
    const prefixed = taskPolicy({ ...base, dynamodb: [{ tablePrefix: 'inv_', access: 'readWrite' }] }, target);
    expect(prefixed.flatMap((s) => s.resources)).toContain('arn:aws:dynamodb:eu-west-1:123456789012:table/inv_*');
    expect(prefixed.find((s) => s.resources.includes('*'))?.actions).toEqual(['dynamodb:ListTables']);
    expect(prefixed.find((s) => s.sid === 'DynamoDb0')?.actions).toContain('dynamodb:BatchWriteItem');
  });

  it('export access adds the export actions, not writes', () => {
    const statements = taskPolicy({ ...base, dynamodb: [{ table: 'retail', access: 'export' }] }, target);
    const actions = statements.flatMap((s) => s.actions);
    expect(actions).toContain('dynamodb:ExportTableToPointInTime');
    expect(actions).not.toContain('dynamodb:PutItem');
    expect(statements.flatMap((s) => s.resources)).toContain('arn:aws:dynamodb:eu-west-1:123456789012:table/retail/export/*');
  });

  it('reads a Glue database without writes, and writes only with readWrite', () => {
    const read = taskPolicy({ ...base, glue: [{ database: 'crm', access: 'read' }] }, target).find((s) => s.sid === 'Glue0');
    expect(read?.resources).toEqual([
      'arn:aws:glue:eu-west-1:123456789012:catalog',
      'arn:aws:glue:eu-west-1:123456789012:database/crm',
      'arn:aws:glue:eu-west-1:123456789012:table/crm/*',
    ]);
    expect(read?.actions).not.toContain('glue:CreateTable');
    const write = taskPolicy({ ...base, glue: [{ database: 'crm', access: 'readWrite' }] }, target).find((s) => s.sid === 'Glue0');
    expect(write?.actions).toContain('glue:CreateTable');
  });

  it("runs statements on the named cluster, reads only the role's own statements, and reads the named secret", () => {
    const statements = taskPolicy({ ...base, redshift: { clusterId: 'dw', database: 'analytics', secretName: 'etl/dw' } }, target);
    expect(statements.find((s) => s.sid === 'RedshiftDataRun')?.resources).toEqual(['arn:aws:redshift:eu-west-1:123456789012:cluster:dw']);
    expect(statements.find((s) => s.resources.includes('*'))?.conditions).toEqual({
      StringEquals: { 'redshift-data:statement-owner-iam-userid': '${aws:userid}' },
    });
    expect(statements.find((s) => s.sid === 'RedshiftSecret')?.resources).toEqual([
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:etl/dw-??????',
    ]);
  });

  it('a Serverless workgroup is named by its id; temporary credentials for a db user on a cluster', () => {
    const serverless = resourcesOf({
      ...base,
      redshift: { workgroup: { name: 'analytics', id: 'abc-123' }, database: 'dev', dbUser: 'etl' },
    });
    expect(serverless).toContain('arn:aws:redshift-serverless:eu-west-1:123456789012:workgroup/abc-123');
    const cluster = resourcesOf({ ...base, redshift: { clusterId: 'dw', database: 'dev', dbUser: 'etl' } });
    expect(cluster).toEqual(
      expect.arrayContaining([
        'arn:aws:redshift:eu-west-1:123456789012:dbuser:dw/etl',
        'arn:aws:redshift:eu-west-1:123456789012:dbname:dw/dev',
      ]),
    );
  });

  it('never grants a * action, and says why for every resource with a *', () => {
    const everything: PipelineResources = {
      ...base,
      s3: [{ uri: 's3://lake/', access: 'readWrite' }],
      dynamodb: [
        { tablePrefix: 'a', access: 'readWrite' },
        { table: 'b', access: 'export' },
      ],
      glue: [{ database: 'c', access: 'readWrite' }],
      redshift: { clusterId: 'dw', database: 'dev', secretName: 's' },
    };
    for (const statement of taskPolicy(everything, target)) {
      for (const action of statement.actions) expect(action).not.toContain('*');
      if (statement.resources.some((r) => r.includes('*'))) expect(statement.wildcard, statement.sid).toBeTruthy();
    }
  });
});
