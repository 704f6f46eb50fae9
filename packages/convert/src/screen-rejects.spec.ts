import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countingRejects, createLogger, createRunContext, limitedRejects, type RejectOutput, type RunContext } from '@etl/core';
import { createObjectStore } from '@etl/object-store';
import type { Schema } from '@etl/schema';
import { afterAll, describe, expect, it } from 'vitest';
import { screenRejects } from './screen-rejects.js';
import { openRows } from './sources/open-rows.js';

const dir = mkdtempSync(join(tmpdir(), 'screen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const schema: Schema = {
  fields: [
    { name: 'id', type: { kind: 'int' }, nullable: false },
    { name: 'qty', type: { kind: 'int' }, nullable: true },
  ],
};
const file = (name: string, lines: string[]) => {
  const path = join(dir, name);
  writeFileSync(path, ['id,qty', ...lines].join('\n') + '\n');
  return path;
};
const store = createObjectStore();
const open = (path: string) => (ctx: RunContext) => openRows(store, path, 'csv', { ctx, schema, header: true });

function context(rejects: RejectOutput = countingRejects(), abort = new AbortController()) {
  const logger = createLogger({ runId: 't', jobName: 'screen', level: 'silent' as never });
  return createRunContext({ jobName: 'screen', logger, rejects, maxRejectRatio: 0.1, signal: abort.signal });
}

describe('screenRejects', () => {
  it('passes a file within the limits, recording its rejects once: the writing pass counts them without writing them again', async () => {
    const path = file('ok.csv', [...Array.from({ length: 19 }, (_, i) => `${i},1`), 'x,1']);
    const rejects = countingRejects();
    const ctx = context(rejects);
    const { accepted, writingCtx } = await screenRejects(open(path), ctx, path);
    expect(accepted).toBe(19);
    expect(rejects.count).toBe(1);
    expect(ctx.counters.snapshotComponents()).toEqual({}); // the run's figures are the writing pass's
    let rows = 0;
    for await (const batch of (await open(path)(writingCtx)).batches()) rows += batch.length;
    expect(rows).toBe(19);
    expect(rejects.count).toBe(1);
    expect(writingCtx.runId).toBe(ctx.runId);
  });

  it('fails, before anything is written, a file whose rejects pass --max_reject_ratio', async () => {
    const path = file('bad.csv', ['1,1', '2,2', 'x,1']);
    await expect(screenRejects(open(path), context(), path)).rejects.toThrow(/1 of 3 records of .*bad\.csv rejected \(33\.3%/);
  });

  it('stops at --max_rejects as the run would (the limit aborts the run signal)', async () => {
    const path = file('many.csv', ['1,1', ...Array.from({ length: 50 }, () => 'x,1')]);
    const abort = new AbortController();
    const rejects = limitedRejects(countingRejects(), 5, (count) => abort.abort(new Error(`${count} rejected, more than 5`)));
    await expect(screenRejects(open(path), context(rejects, abort), path)).rejects.toThrow(/6 rejected, more than 5/);
  });
});
