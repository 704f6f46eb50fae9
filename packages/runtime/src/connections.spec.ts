import { CreateTableCommand, DynamoDBClient, PutItemCommand, ScanCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { defineJob } from './define-job.js';
import { runJob } from './run-job.js';

const dir = mkdtempSync(join(tmpdir(), 'connections-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const quiet = () => new Writable({ write: (_c, _e, cb) => cb() });
function capture(): Writable & { text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _e, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return Object.assign(out, { text: () => text });
}

/** A job that leaves state in each embedded system and reports what it found from earlier runs. */
const seen: Array<{ warehouseRows: number; tables: string[]; items: number }> = [];
const statefulJob = defineJob({
  name: 'stateful',
  description: 'uses the warehouse, the catalog and DynamoDB',
  args: {},
  async run(_config, ctx, { connections }) {
    const warehouse = await connections.warehouse();
    await warehouse.query('CREATE TABLE IF NOT EXISTS public.runs (run_id varchar(64))');
    await warehouse.query('INSERT INTO public.runs VALUES (:run)', { run: ctx.runId });
    const warehouseRows = Number((await warehouse.query('SELECT count(*) FROM public.runs')).rows[0]?.[0]);

    const catalog = connections.catalog();
    await catalog.upsertTable({
      database: 'datamart',
      name: `t_${seen.length}`,
      columns: [{ name: 'id', type: 'bigint' }],
      partitionKeys: [],
      location: './lake/',
      format: 'parquet',
    });
    const tables = (await catalog.listTables('datamart')).map((t) => t.name);

    const endpoint = await connections.dynamoDbEndpoint();
    const dynamo = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' },
    });
    await dynamo
      .send(
        new CreateTableCommand({
          TableName: 'runs',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      )
      .catch((e: Error) => {
        if (e.name !== 'ResourceInUseException') throw e;
      });
    // dynalite makes a table ACTIVE on a later tick: an item put at once can find it missing (seen once in CI).
    await waitUntilTableExists({ client: dynamo, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: 'runs' });
    await dynamo.send(new PutItemCommand({ TableName: 'runs', Item: { pk: { S: ctx.runId } } }));
    const items = (await dynamo.send(new ScanCommand({ TableName: 'runs' }))).Count ?? 0;
    dynamo.destroy();
    seen.push({ warehouseRows, tables, items });
  },
});

describe('embedded defaults', () => {
  it('with no AWS configuration, keep state under --local_dir so the next run sees this one', async () => {
    const localDir = join(dir, '.local');
    for (let run = 0; run < 2; run++) {
      const out = capture();
      const code = await runJob(statefulJob, {
        argv: ['--local_dir', localDir],
        env: {},
        stdout: out,
        stderr: quiet(),
        handleSignals: false,
      });
      if (code !== 0) throw new Error(out.text());
      expect(code).toBe(0);
    }
    expect(seen).toEqual([
      { warehouseRows: 1, tables: ['t_0'], items: 1 },
      { warehouseRows: 2, tables: ['t_0', 't_1'], items: 2 },
    ]);
    expect(readdirSync(localDir).sort()).toEqual(['catalog', 'dynamodb', 'runs', 'warehouse']);
  });
});
