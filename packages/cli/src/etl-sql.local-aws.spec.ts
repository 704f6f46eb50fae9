import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ListStatementsCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '@etl/local-aws';
import { RedshiftDataWarehouse } from '@etl/warehouse';

const run = promisify(execFile);
const etl = fileURLToPath(new URL('../bin/etl.mjs', import.meta.url));
const localDir = mkdtempSync(join(tmpdir(), 'etl-sql-aws-'));

let stack: LocalAws;
beforeAll(async () => {
  stack = await startLocalAws({ services: ['redshift-data'] });
  const warehouse = new RedshiftDataWarehouse({ workgroupName: 'local', database: 'dev', pollMs: 10, env: { ...stack.env } });
  try {
    await warehouse.transaction([
      'CREATE TABLE public.orders (id bigint, amount decimal(10,2), status varchar(10))',
      "INSERT INTO public.orders VALUES (1, 19.90, 'paid'), (2, 5.00, NULL)",
    ]);
  } finally {
    await warehouse.close();
  }
});
afterAll(async () => {
  await stack?.stop();
  rmSync(localDir, { recursive: true, force: true });
});

/** `etl sql` with the stack's AWS_ENDPOINT_URL_REDSHIFT_DATA, credentials and region in its environment. */
const sql = (query: string, ...args: string[]) =>
  run(process.execPath, [etl, 'sql', query, '--local_dir', localDir, ...args], { env: { ...process.env, ...stack.env } });

/** Every SQL text the Data API stand-in was sent. */
async function sentToDataApi(): Promise<string[]> {
  const client = new RedshiftDataClient({
    endpoint: stack.env['AWS_ENDPOINT_URL_REDSHIFT_DATA'],
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const statements = (await client.send(new ListStatementsCommand({ MaxResults: 100 }))).Statements ?? [];
  client.destroy();
  return statements.flatMap((s) => s.QueryStrings ?? (s.QueryString ? [s.QueryString] : []));
}

describe('etl sql through the Redshift Data API', () => {
  it('runs the query on the workgroup named (--workgroup, --database) and prints its rows as NDJSON', async () => {
    const query = 'SELECT id, amount, status FROM public.orders ORDER BY id';
    const { stdout } = await sql(query, '--workgroup', 'local', '--database', 'dev');
    expect(stdout.split('\n')).toEqual(['{"id":1,"amount":"19.90","status":"paid"}', '{"id":2,"amount":"5.00","status":null}', '']);
    expect(await sentToDataApi()).toContain(query);
    // Not the embedded warehouse: nothing was opened under --local_dir.
    expect(existsSync(join(localDir, 'warehouse'))).toBe(false);
  });

  it("fails with exit code 1 and the Data API's error on one line", async () => {
    const failed: unknown = await sql('SELECT * FROM public.missing', '--workgroup', 'local').catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    const stderr = (failed as { stderr: string }).stderr;
    expect(stderr).toMatch(/^etl sql: Redshift statement FAILED: .*public\.missing.* does not exist\n$/);
  });
});
