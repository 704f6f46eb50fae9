import { CreateBucketCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '@etl/local-aws';
import { createObjectStore, createS3Client, type ObjectStore } from '@etl/object-store';
import { bundledSample } from '@etl/sample-orders';
import { runBundled, startBundled } from './run-bundled.js';

let stack: LocalAws;
let s3: S3Client;
let objects: ObjectStore;
const bucket = 'e2e-orders';
const work = mkdtempSync(join(tmpdir(), 'e2e-s3-'));

beforeAll(async () => {
  stack = await startLocalAws();
  s3 = createS3Client(stack.env);
  objects = createObjectStore({ env: stack.env });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function pendingUploads(prefix: string): Promise<string[]> {
  const response = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  return (response.Uploads ?? []).map((u) => String(u.Key));
}

/** Valid orders, generated lazily: `count` lines (~130 bytes each). */
async function* orders(count: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < count; i += 10_000) {
    let chunk = '';
    for (let j = i; j < Math.min(count, i + 10_000); j++) {
      chunk += `${JSON.stringify({ order_id: `O-${j}`, customer: `顧客 ${j % 977}`, amount: `${j % 100000}.${j % 100}`, currency: 'JPY', updated_at: '2026-11-01T09:15:00+09:00' })}\n`;
    }
    yield Buffer.from(chunk);
  }
}

describe('sample-orders, bundled, against the local AWS stack (S3 by endpoint)', () => {
  it('reads from and writes to S3, run report and logs included', async () => {
    await objects.put(`s3://${bucket}/in/orders.ndjson`, readFileSync(bundledSample));
    const result = await runBundled(
      'sample-orders',
      [
        '--source',
        `s3://${bucket}/in/orders.ndjson`,
        '--output',
        `s3://${bucket}/out/orders.ndjson`,
        '--run_output',
        `s3://${bucket}/runs/`,
        // The sample's 3 bad lines of 12 are on purpose: past the default --max_reject_ratio of a real run.
        '--max_reject_ratio',
        '0.5',
      ],
      { cwd: work, env: stack.env },
    );
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const out = (await text(await objects.get(`s3://${bucket}/out/orders.ndjson`))).trim().split('\n');
    expect(out).toHaveLength(9);
    const runFiles = [];
    for await (const o of objects.list(`s3://${bucket}/runs/`)) runFiles.push(o.uri.split('/').pop());
    expect(runFiles.sort()).toEqual(['logs.ndjson', 'rejects.ndjson', 'report.json']);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} during the output upload: no object at the key, no pending multipart upload, report says aborted`, async () => {
      const input = `s3://${bucket}/in/big-${signal}.ndjson`;
      await objects.put(input, Readable.from(orders(900_000)));
      const outputKey = `out/big-${signal}.ndjson`;
      const run = startBundled(
        'sample-orders',
        [
          '--source',
          input,
          '--output',
          `s3://${bucket}/${outputKey}`,
          '--part_size_mb',
          '5',
          '--run_output',
          `s3://${bucket}/runs-${signal}/`,
        ],
        { cwd: work, env: stack.env },
      );

      const deadline = Date.now() + 60_000;
      while ((await pendingUploads(outputKey)).length === 0) {
        if (Date.now() > deadline) throw new Error(`no multipart upload started; output so far:\n${run.stdout()}`);
        await delay(25);
      }
      run.child.kill(signal);
      const finished = await run.done;

      expect(finished.code).toBe(1);
      expect(await objects.head(`s3://${bucket}/${outputKey}`)).toBeUndefined();
      expect(await pendingUploads(outputKey)).toEqual([]);
      const reports = [];
      for await (const o of objects.list(`s3://${bucket}/runs-${signal}/`)) if (o.uri.endsWith('report.json')) reports.push(o.uri);
      expect(reports).toHaveLength(1);
      const report = JSON.parse(await text(await objects.get(String(reports[0])))) as Record<string, unknown>;
      expect(report).toMatchObject({ outcome: 'aborted', error: { message: `run stopped by ${signal}` } });
    });
  }
});
