import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '@etl/core';
import { testContext } from '@etl/core/testing';
import { createObjectStore } from '@etl/object-store';
import { resolveJobConfig, runJob, type JobConfig } from '@etl/runtime';
import { buildPipeline, sampleOrdersJob } from './job.js';
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

  it('writes no output for a source without a valid order: a success with a warning, an earlier output left alone', async () => {
    const source = join(dir, 'empty.ndjson');
    writeFileSync(source, '');
    const output = join(dir, 'empty-out.ndjson');
    const stdout = new PassThrough();
    const lines: string[] = [];
    stdout.on('data', (chunk: Buffer) => lines.push(String(chunk)));
    const argv = ['--source', source, '--output', output, '--local_dir', join(dir, 'local')];
    const code = await runJob(sampleOrdersJob, { argv, env: {}, stdout, stderr: new PassThrough(), handleSignals: false });
    expect(code, lines.join('')).toBe(0);
    expect(lines.join('')).toMatch(/empty\.ndjson holds no valid order: nothing was written/);
    expect(existsSync(output)).toBe(false);

    writeFileSync(output, 'earlier\n');
    expect(await runJob(sampleOrdersJob, { argv, env: {}, stdout, stderr: new PassThrough(), handleSignals: false })).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe('earlier\n');
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
