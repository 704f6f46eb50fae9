import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { catLines } from '@etl/convert';
import { testContext } from '@etl/core/testing';
import { createObjectStore } from '@etl/object-store';
import { runJob } from '@etl/runtime';
import { bundledSample } from './config.js';
import { catalogCdcToParquetJob } from './job.js';

const dir = mkdtempSync(join(tmpdir(), 'catalog-cdc-to-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): Writable & { text: string } {
  const out = Object.assign(new Writable({ write: (chunk, _e, cb) => ((out.text += String(chunk)), cb()) }), { text: '' });
  return out;
}

/** Runs the job as its `main` does, on the embedded defaults under `local`; returns the exit code and the run's report. */
async function run(local: string, ...argv: string[]): Promise<{ code: number; report: Record<string, unknown>; runDir: string }> {
  const code = await runJob(catalogCdcToParquetJob, {
    argv: [...argv, '--local_dir', join(dir, local)],
    env: {},
    stdout: capture(),
    stderr: capture(),
    handleSignals: false,
  });
  const runs = join(dir, local, 'runs', 'catalog-cdc-to-parquet');
  const [runId] = readdirSync(runs);
  const runDir = join(runs, String(runId));
  return { code, report: JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Record<string, unknown>, runDir };
}

async function parquetRows(uri: string): Promise<unknown[]> {
  const rows: unknown[] = [];
  for await (const text of catLines(createObjectStore(), uri, {}, testContext().ctx))
    rows.push(
      ...text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    );
  return rows;
}

describe('catalog-cdc-to-parquet', () => {
  it('writes the 4 good orders of the bundled sample as typed Parquet and rejects the ragged line 5', async () => {
    const output = join(dir, 'orders.parquet');
    // --sample: the bundled sample, whose bad line is on purpose (a real run fails past 10% rejects).
    const { code, report, runDir } = await run('sample', '--sample', '--output', output);
    expect(code).toBe(0);
    expect(report).toMatchObject({ outcome: 'succeeded', rowsRejected: 1, figures: { rows: 4 }, outputs: { data: output } });
    expect(await parquetRows(output)).toEqual([
      { order_id: 1001, customer: '株式会社テスト', amount: '12800.50', ordered_at: '2026-11-01', shipped: true },
      { order_id: 1002, customer: 'Acme, Inc.', amount: '249.99', ordered_at: '2026-11-01', shipped: false },
      { order_id: 1003, customer: 'Globex', amount: '3300.00', ordered_at: '2026-11-02', shipped: true },
      { order_id: 1005, customer: '山田商店', amount: '1500.25', ordered_at: '2026-11-03', shipped: true },
    ]);
    const rejects = readFileSync(join(runDir, 'rejects.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rejects.map((r) => [r['file'], r['line'], r['code']])).toEqual([[bundledSample, 5, 'RAGGED_ROW']]);
  });

  it('refuses a missing source before it starts: exit 2, one line naming it, nothing written', async () => {
    const output = join(dir, 'never.parquet');
    const source = join(dir, 'absent.csv');
    const stderr = capture();
    const code = await runJob(catalogCdcToParquetJob, {
      argv: ['--source', source, '--output', output, '--local_dir', join(dir, 'missing')],
      env: {},
      stdout: capture(),
      stderr,
      handleSignals: false,
    });
    expect(code).toBe(2);
    expect(stderr.text).toContain(`--source: ${source} does not exist`);
    expect(existsSync(output)).toBe(false);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });
});
