import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localRedshiftArgs, startLocalAws, type LocalAws } from '@etl/local-aws';
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

/** The staging-shaped tables (stg_<run id>_<n>) in the target's schema. */
async function stagingTables(warehouse: RedshiftDataWarehouse): Promise<string[]> {
  const { rows } = await warehouse.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'stg%' ORDER BY table_name",
  );
  return rows.map((r) => String(r[0]));
}

/**
 * Killed outright (no cleanup can run after SIGKILL) when the run logs `marker`, then run again: the
 * table holds every row once, the file has exactly one SUCCESS audit row and is archived, and the
 * second run leaves no staging of its own (the killed run's is swept by the first run past
 * --stale_staging_hours: a younger run may still be loading). Resolves to whether the kill came
 * between the merge and the archive (the SUCCESS row written, the file still in place).
 */
async function killAtThenRerun(table: string, marker: string): Promise<boolean> {
  const source = `s3://lake/in/${table}.csv`;
  await objects.put(
    source,
    `order_id,amount,note\n${Array.from({ length: rows }, (_, i) => `${i + 1},${i % 1000}.25,"n, ${i}"`).join('\n')}\n`,
  );
  const args = ['--source', source, '--target_table', `public.${table}`, '--upsert_keys', 'order_id', ...localRedshiftArgs('lake')];
  const env = { ...stack.env };
  const warehouse = new RedshiftDataWarehouse({ workgroupName: 'local', database: 'dev', env });
  try {
    const before = await stagingTables(warehouse);
    const killed = startBundled('csv-to-redshift', args, { cwd: work, env });
    for (let waited = 0; !killed.stdout().includes(marker); waited += 20) {
      if (killed.child.exitCode !== null || waited > 120_000)
        throw new Error(`the run ended or stalled before "${marker}":\n${killed.stdout()}`);
      await delay(20);
    }
    killed.child.kill('SIGKILL');
    expect((await killed.done).signal).toBe('SIGKILL');
    const left = (await stagingTables(warehouse)).filter((t) => !before.includes(t));
    const loadedNotArchived =
      (await objects.head(source)) !== undefined &&
      (
        await warehouse
          .query("SELECT count(*) FROM public.job_sts WHERE source_filename = :source AND status = 'SUCCESS'", { source })
          .catch(() => ({ rows: [[0]] }))
      ).rows[0]?.[0] === 1;

    const again = await runBundled('csv-to-redshift', args, { cwd: work, env });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    // Killed between its merge (which wrote the SUCCESS row) and the archive: found, not loaded twice.
    if (loadedNotArchived) expect(again.stdout).toContain('archived now, not loaded again');
    expect(
      (await warehouse.query(`SELECT count(*), count(DISTINCT order_id), min(order_id), max(order_id) FROM public.${table}`)).rows,
    ).toEqual([[rows, rows, 1, rows]]);
    expect(
      (await warehouse.query('SELECT status, records_read FROM public.job_sts WHERE source_filename = :source', { source })).rows,
    ).toEqual([['SUCCESS', rows]]);
    expect(await objects.head(source)).toBeUndefined(); // archived
    // The second run left no staging of its own; what is left is the killed run's, if anything.
    expect((await stagingTables(warehouse)).filter((t) => !before.includes(t))).toEqual(left);
    return loadedNotArchived;
  } finally {
    await warehouse.close();
  }
}

describe('csv-to-redshift, bundled, killed outright (SIGKILL) and run again', () => {
  it('loads every row exactly once when killed once its file is staged, before the warehouse saw it', async () => {
    expect(await killAtThenRerun('orders_staged', 'typed rows for COPY')).toBe(false);
  }, 240_000);

  it('loads every row exactly once when killed after its COPY (the merge it had submitted still commits)', async () => {
    await killAtThenRerun('orders', 'COPY into');
  }, 240_000);

  it('writes one SUCCESS audit row when killed after its merge committed, before it archived the file', async () => {
    // Usually lands before the archive (then the rerun must find the file loaded); either way the end state is exact.
    await killAtThenRerun('orders_merged', 'merged into');
  }, 240_000);
});
