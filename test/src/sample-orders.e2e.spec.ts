import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logLines, runBundled } from './run-bundled.js';

const work = mkdtempSync(join(tmpdir(), 'e2e-sample-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('sample-orders, bundled, on embedded defaults', () => {
  it('runs with no arguments and no AWS: valid rows out, bad lines quarantined, report and logs under .local/', async () => {
    const result = await runBundled('sample-orders', [], { cwd: work });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const out = readFileSync(join(work, '.local/out/sample-orders/orders.ndjson'), 'utf8').trim().split('\n');
    expect(out).toHaveLength(9);
    expect(JSON.parse(out[0] ?? '{}')).toMatchObject({ order_id: 'O-1001', customer: '株式会社山田商事', amount: '12800.00' });

    const runs = join(work, '.local/runs/sample-orders');
    const [runId] = readdirSync(runs);
    const report = JSON.parse(readFileSync(join(runs, String(runId), 'report.json'), 'utf8')) as Record<string, unknown>;
    expect(report).toMatchObject({ outcome: 'succeeded', rowsRead: 12, rowsWritten: 9, rowsRejected: 3 });

    const rejects = readFileSync(join(runs, String(runId), 'rejects.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rejects.map((r) => [r['line'], r['column'] ?? null, r['code']])).toEqual([
      [7, null, 'PARSE'],
      [8, 'amount', 'SCHEMA'],
      [11, 'customer', 'SCHEMA'],
    ]);

    const exported = readFileSync(join(runs, String(runId), 'logs.ndjson'), 'utf8')
      .trim()
      .split('\n');
    expect(exported).toHaveLength(logLines(result.stdout).length);
    expect(logLines(result.stdout).every((l) => l['runId'] === runId && l['job'] === 'sample-orders')).toBe(true);
  });

  it('bad arguments: every problem named, exit 2, no stack trace, nothing written', async () => {
    const dir = mkdtempSync(join(work, 'bad-args-'));
    const result = await runBundled('sample-orders', ['--sorce', 'x.ndjson', '--part_size_mb', 'big', 'oops'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--sorce: unknown argument (did you mean --source?)');
    expect(result.stderr).toContain('--part_size_mb:');
    expect(result.stderr).toContain('unexpected "oops"');
    expect(result.stderr).not.toMatch(/\bat .*\.m?js:\d+/);
    expect(existsSync(join(dir, '.local'))).toBe(false);
  });

  it('a missing source is refused before the run starts: exit 2, one line naming it, nothing written', async () => {
    const dir = mkdtempSync(join(work, 'missing-'));
    const result = await runBundled('sample-orders', ['--source', 'nowhere/orders.ndjson', '--output', 'out/orders.ndjson'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--source: nowhere/orders.ndjson does not exist');
    expect(result.stderr).not.toMatch(/\bat .*\.m?js:\d+/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
