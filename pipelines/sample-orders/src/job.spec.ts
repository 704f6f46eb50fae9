import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '@etl/core';
import { testContext } from '@etl/core/testing';
import { createObjectStore } from '@etl/object-store';
import { resolveJobConfig, type JobConfig } from '@etl/runtime';
import { buildPipeline } from './job.js';
import { bundledSample, sampleOrdersArgs } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'sample-orders-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(args: string[]): JobConfig<typeof sampleOrdersArgs> {
  const result = resolveJobConfig(sampleOrdersArgs, args, {});
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.config;
}

describe('sample-orders pipeline', () => {
  it('keeps the 9 valid orders of the bundled sample, exactly as given, and rejects 3 with their lines', async () => {
    const { ctx, rejects } = testContext();
    const output = join(dir, 'orders.ndjson');
    await runPipeline(buildPipeline(config(['--source', bundledSample, '--output', output]), ctx, createObjectStore()), ctx);
    const rows = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(rows.map((r) => r['order_id'])).toEqual([
      'O-1001',
      'O-1002',
      'O-1003',
      'O-1004',
      'O-1005',
      'O-1006',
      'O-1009',
      'O-1010',
      'O-1012',
    ]);
    expect(rows.find((r) => r['order_id'] === 'O-1010')?.['amount']).toBe('100000.0001');
    expect(rows.find((r) => r['order_id'] === 'O-1012')?.['customer']).toBe('㈱テスト①');
    expect(rejects.samples.map((r) => [r.line, r.code, r.column])).toEqual([
      [7, 'PARSE', undefined],
      [8, 'SCHEMA', 'amount'],
      [11, 'SCHEMA', 'customer'],
    ]);
    expect(rejects.samples.every((r) => r.file === bundledSample)).toBe(true);
  });

  it('writes no output at all when the source is missing', async () => {
    const { ctx } = testContext();
    const output = join(dir, 'never.ndjson');
    await expect(
      runPipeline(buildPipeline(config(['--source', join(dir, 'absent.ndjson'), '--output', output]), ctx, createObjectStore()), ctx),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(() => readFileSync(output)).toThrow();
  });

  it('handles CRLF files and a last line without newline', async () => {
    const { ctx } = testContext();
    const source = join(dir, 'crlf.ndjson');
    writeFileSync(source, readFileSync(bundledSample, 'utf8').trim().replace(/\n/g, '\r\n'));
    const output = join(dir, 'crlf-out.ndjson');
    await runPipeline(buildPipeline(config(['--source', source, '--output', output]), ctx, createObjectStore()), ctx);
    expect(readFileSync(output, 'utf8').trim().split('\n')).toHaveLength(9);
  });
});
