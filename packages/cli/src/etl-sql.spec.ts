import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObjectStore } from '@etl/object-store';
import { PgliteWarehouse } from '@etl/warehouse';

const run = promisify(execFile);
const etl = fileURLToPath(new URL('../bin/etl.mjs', import.meta.url));
const localDir = mkdtempSync(join(tmpdir(), 'etl-sql-'));
afterAll(() => rmSync(localDir, { recursive: true, force: true }));

/** A table in the embedded warehouse where the pipelines keep it: `<local_dir>/warehouse`. */
beforeAll(async () => {
  const warehouse = await PgliteWarehouse.open({ dataDir: join(localDir, 'warehouse'), objects: createObjectStore() });
  try {
    await warehouse.transaction([
      'CREATE TABLE public.stock (sku varchar(8), qty int, price decimal(12,2), updated_at timestamp, note text)',
      "INSERT INTO public.stock VALUES ('A-1', 3, 1200.50, '2026-11-01 09:00:00', NULL), ('B-2', 12, 0.10, '2026-11-02 10:30:00', 'two words')",
    ]);
  } finally {
    await warehouse.close();
  }
});

const sql = (query: string, ...args: string[]) => run(process.execPath, [etl, 'sql', query, '--local_dir', localDir, ...args]);

describe('etl sql on the embedded warehouse', () => {
  it('prints the rows as NDJSON when stdout is not a terminal, exact decimals as strings', async () => {
    const { stdout, stderr } = await sql('SELECT sku, qty, price, updated_at, note FROM public.stock ORDER BY sku');
    expect(stderr).toBe('');
    expect(stdout.split('\n')).toEqual([
      '{"sku":"A-1","qty":3,"price":"1200.50","updated_at":"2026-11-01 09:00:00","note":null}',
      '{"sku":"B-2","qty":12,"price":"0.10","updated_at":"2026-11-02 10:30:00","note":"two words"}',
      '',
    ]);
  });

  it('prints a table when stdout is a terminal', async () => {
    // The process is told its stdout is a terminal before etl starts, as it is in a shell.
    const { stdout } = await run(process.execPath, [
      '--import',
      'data:text/javascript,process.stdout.isTTY=true',
      etl,
      'sql',
      'SELECT sku, qty, price FROM public.stock ORDER BY sku',
      '--local-dir',
      localDir,
    ]);
    expect(stdout.split('\n')).toEqual([
      'sku | qty | price',
      '----+-----+--------',
      'A-1 |   3 | 1200.50',
      'B-2 |  12 | 0.10',
      '(2 rows)',
      '',
    ]);
  });

  it('keeps what a statement changed for the next query (the data dir the pipelines use)', async () => {
    expect((await sql("UPDATE public.stock SET note = 'counted' WHERE sku = 'A-1'")).stdout).toBe('');
    const { stdout } = await sql("SELECT note FROM public.stock WHERE sku = 'A-1'");
    expect(JSON.parse(stdout)).toEqual({ note: 'counted' });
  });

  it("fails with exit code 1 and the warehouse's message on one line", async () => {
    await expect(sql('SELECT * FROM public.nope')).rejects.toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'etl sql: relation "public.nope" does not exist\n',
    });
  });
});
