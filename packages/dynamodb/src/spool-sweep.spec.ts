import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ItemSpool } from './item-spool.js';
import { isStaleSpool, spoolPrefix, sweepStaleSpools } from './spool-sweep.js';

const parent = mkdtempSync(join(tmpdir(), 'spool-sweep-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('item spools of killed runs are swept; a live run’s never', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  const info = (alive: boolean, modifiedAt = now) => ({ host: 'batch-1', modifiedAt, now, alive: () => alive, legacyAfterHours: 24 });

  it('a spool of this host whose process is gone is stale; a live process, another host or another folder is not', () => {
    expect(isStaleSpool(`${spoolPrefix('batch-1', 4242)}a1B2c3`, info(false))).toBe(true);
    expect(isStaleSpool(`${spoolPrefix('batch-1', 4242)}a1B2c3`, info(true))).toBe(false);
    expect(isStaleSpool(`${spoolPrefix('batch-2', 4242)}a1B2c3`, info(false))).toBe(false);
    expect(isStaleSpool('dynamodb-to-parquet-a1B2c3', info(false))).toBe(false);
    // The earlier naming says no owner: by age only.
    expect(isStaleSpool('item-spool-a1B2c3', info(true, new Date(now.getTime() - 25 * 3_600_000)))).toBe(true);
    expect(isStaleSpool('item-spool-a1B2c3', info(false, new Date(now.getTime() - 23 * 3_600_000)))).toBe(false);
  });

  it('sweepStaleSpools deletes the folders of dead processes and old unowned ones below the folder, and nothing else', async () => {
    const live = await ItemSpool.create(parent); // this process: alive
    await live.write([{ pk: { S: 'x' } }]);
    const exited = spawnSync(process.execPath, ['-e', '']).pid; // a process that has ended
    const dead = join(parent, `${spoolPrefix(hostname(), exited)}dEaD01`);
    const elsewhere = join(parent, `${spoolPrefix('another-host', exited)}oThEr1`);
    const legacy = join(parent, 'item-spool-oLd001');
    const unrelated = join(parent, 'keep-me');
    for (const dir of [dead, elsewhere, legacy, unrelated]) {
      mkdirSync(dir);
      writeFileSync(join(dir, 'items.ndjson'), '{}\n');
    }
    const old = new Date(Date.now() - 48 * 3_600_000);
    utimesSync(legacy, old, old);

    expect(basename(live.dir).startsWith(spoolPrefix())).toBe(true);
    expect((await sweepStaleSpools(parent)).sort()).toEqual([dead, legacy].sort());
    expect([live.dir, elsewhere, unrelated].map(existsSync)).toEqual([true, true, true]);
    expect([dead, legacy].map(existsSync)).toEqual([false, false]);
    await live.remove();
  });

  it('a folder that does not exist sweeps nothing', async () => {
    expect(await sweepStaleSpools(join(parent, 'missing'))).toEqual([]);
  });
});
