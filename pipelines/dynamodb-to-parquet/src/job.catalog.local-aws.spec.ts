import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GlueCatalog } from '@etl/catalog';
import { from, runPipeline, sinkWritable } from '@etl/core';
import { testContext } from '@etl/core/testing';
import { readManifest } from '@etl/dataset';
import { createDynamoDbClient, createStringKeyedTable, DynamoDbPutSink } from '@etl/dynamodb';
import { startLocalAws, type LocalAws } from '@etl/local-aws';
import { createObjectStore, createS3Client, objectsUnder, type ObjectStore } from '@etl/object-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJob } from './job.js';
import { startDenyingGlue, type DenyingGlue } from './testing/denying-glue.js';
import { run } from './testing/run.js';

const dir = mkdtempSync(join(tmpdir(), 'dynamodb-to-parquet-catalog-'));
let stack: LocalAws;
let glue: DenyingGlue;
let objects: ObjectStore;
beforeAll(async () => {
  stack = await startLocalAws({ services: ['s3', 'dynamodb', 'glue'] });
  glue = await startDenyingGlue(stack.env['AWS_ENDPOINT_URL_GLUE'] as string);
  const s3 = createS3Client({ ...stack.env });
  await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
  s3.destroy();
  objects = createObjectStore({ env: stack.env });
  const client = createDynamoDbClient({ ...stack.env });
  await createStringKeyedTable(client, 'things', 'pk');
  const { ctx } = testContext();
  const items = Array.from({ length: 20 }, (_, i) => ({ pk: { S: `k${i}` }, day: { S: `2026-${i % 2 === 0 ? '11' : '12'}-01` } }));
  await runPipeline(
    from({
      name: 'items',
      open: async function* () {
        yield items;
      },
    }).into(sinkWritable(new DynamoDbPutSink(client, 'things'), ctx)),
    ctx,
  );
  client.destroy();
});
afterAll(async () => {
  await glue?.stop();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const exportThings = () =>
  run(
    exportJob,
    [
      '--table',
      'things',
      '--output_path',
      's3://lake/things/',
      '--partition_by',
      'day:month',
      '--catalog_database',
      'lake',
      '--local_dir',
      join(dir, 'local'),
      '--run_output',
      join(dir, 'runs'),
    ],
    { ...stack.env, AWS_ENDPOINT_URL_GLUE: glue.endpoint },
  );

/** Where the Glue table points, and whether its folder and every partition's folder still hold files. */
async function catalogReads() {
  const catalog = new GlueCatalog({ env: stack.env });
  const table = await catalog.getTable('lake', 'things');
  const partitions = await catalog.listPartitions('lake', 'things');
  const files = async (folder: string) => (await objectsUnder(objects, folder)).length;
  return {
    location: table?.location,
    files: table?.location ? await files(table.location) : 0,
    emptyPartitions: (await Promise.all(partitions.map(async (p) => ((await files(p.location)) === 0 ? [p.location] : [])))).flat(),
  };
}

describe('dynamodb-to-parquet with --catalog_database: the generation the Glue table reads is never deleted', () => {
  it('runs whose catalog step fails after the publish keep the generation Glue points at; a run that succeeds switches Glue and drops it', async () => {
    const first = await exportThings();
    expect(first.code, first.stdout).toBe(0);
    const registered = `${String(first.figures['generation'])}/`;
    expect(await catalogReads()).toEqual({ location: registered, files: 2, emptyPartitions: [] });

    // The catalog step fails after the publish (the role lacks glue:UpdateTable), twice: the second run's
    // keepGenerations (2: its own and the previous) would delete the first run's generation, which Glue still reads.
    glue.deny.add('UpdateTable');
    for (const attempt of [1, 2]) {
      const failed = await exportThings();
      expect(failed.code, `attempt ${attempt}: ${failed.stdout}`).toBe(1);
      expect(failed.stdout).toContain('glue:UpdateTable');
      expect(await catalogReads()).toEqual({ location: registered, files: 2, emptyPartitions: [] });
    }
    const published = await readManifest(objects, 's3://lake/things/');
    expect(published?.generations).toHaveLength(3); // its own, the previous, and the one Glue reads

    glue.deny.clear();
    const fixed = await exportThings();
    expect(fixed.code, fixed.stdout).toBe(0);
    expect(await catalogReads()).toEqual({ location: `${String(fixed.figures['generation'])}/`, files: 2, emptyPartitions: [] });
    // This run read Glue at G1 when it started, so it kept G1; the next run, started after Glue moved on, drops it as usual.
    expect((await readManifest(objects, 's3://lake/things/'))?.generations).toHaveLength(3);
    const next = await exportThings();
    expect(next.code, next.stdout).toBe(0);
    expect(await objectsUnder(objects, registered)).toEqual([]);
    expect((await readManifest(objects, 's3://lake/things/'))?.generations).toHaveLength(2);
    expect(await catalogReads()).toEqual({ location: `${String(next.figures['generation'])}/`, files: 2, emptyPartitions: [] });
  });
});
