import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { from, runPipeline, sinkWritable, type Source } from '@etl/core';
import { MemorySink, testContext } from '@etl/core/testing';
import { createObjectStore } from '@etl/object-store';
import { applyExportChanges } from './export-apply.js';
import { readExportManifest } from './export-manifest.js';
import type { ExportChange } from './export-records.js';
import { exportChanges, exportItems } from './export-source.js';

/**
 * Export files written by hand exactly as AWS documents them ("DynamoDB table export output
 * format"), in a local mirror of the bucket: the reader must not depend on our stand-in's quirks.
 */
const root = mkdtempSync(join(tmpdir(), 'ddb-export-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const store = createObjectStore();

function put(key: string, content: string | Buffer) {
  const path = join(root, key);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

const gz = (lines: object[]) => gzipSync(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');

function writeExport(id: string, summary: object, files: Array<{ key: string; body: Buffer; itemCount: number }>) {
  const folder = `sales/2026-12/AWSDynamoDB/${id}`;
  for (const f of files) put(f.key, f.body);
  put(
    `${folder}/manifest-files.json`,
    files
      .map((f) =>
        JSON.stringify({
          itemCount: f.itemCount,
          md5Checksum: 'sQMSpEILNgoQmarvDFonGQ==',
          etag: 'af83d6f217c19b8b0fff8023d8ca4716-1',
          dataFileS3Key: f.key,
        }),
      )
      .join('\n') + '\n',
  );
  put(`${folder}/manifest-summary.json`, JSON.stringify({ ...summary, manifestFilesS3Key: `${folder}/manifest-files.json` }));
  put(`${folder}/_started`, '');
  return `file://${root}/${folder}/manifest-summary.json`;
}

const fullSummary = {
  version: '2020-06-30',
  exportArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/Sales/export/01764979200000-a1b2c3d4',
  startTime: '2026-12-06T00:00:00.000Z',
  endTime: '2026-12-06T00:05:43.897Z',
  tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/Sales',
  tableId: '12345a12-abcd-123a-ab12-1234abc12345',
  exportTime: '2026-12-06T00:00:00.000Z',
  s3Bucket: 'ddb-sales-export',
  s3Prefix: 'sales/2026-12',
  s3SseAlgorithm: 'AES256',
  s3SseKmsKeyId: null,
  billedSizeBytes: 0,
  itemCount: 3,
  outputFormat: 'DYNAMODB_JSON',
};

const dataKey = (name: string, id = '01764979200000-a1b2c3d4') => `sales/2026-12/AWSDynamoDB/${id}/data/${name}.json.gz`;
const fullUri = writeExport('01764979200000-a1b2c3d4', fullSummary, [
  {
    key: dataKey('bafybeiczss3yxay3o4abnabbb'),
    itemCount: 2,
    body: gz([
      {
        Item: {
          InvoiceNo: { S: '536365' },
          StockCode: { N: '85123' },
          Price: { N: '12345678901234567890.123456789012345678' },
          Tags: { SS: ['gift', 'home'] },
          Sizes: { NS: ['1', '2.5'] },
          Thumb: { B: 'AAEC/w==' },
          Parts: { BS: ['AQ==', 'Ag=='] },
          Extra: { M: { list: { L: [{ S: 'x' }, { NULL: true }, { BOOL: false }] } } },
        },
      },
      { Item: { InvoiceNo: { S: '536366' }, StockCode: { N: '22633' }, Price: { N: '1.85' } } },
    ]),
  },
  { key: dataKey('gkes5o3lnrhoznhnkyax3hxvya'), itemCount: 0, body: Buffer.alloc(0) }, // an empty partition's file
  {
    key: dataKey('ueyngqh6t4u4pmdekclz3lyqqy'),
    itemCount: 1,
    body: gz([{ Item: { InvoiceNo: { S: '536367' }, StockCode: { N: '84879' }, Price: { N: '1.69' } } }]),
  },
]);

const incrementalSummary = (view: string) => ({
  version: '2023-08-01',
  exportArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/Sales/export/01764980100000-0f0e0d0c',
  startTime: '2026-12-06T00:15:00.000Z',
  endTime: '2026-12-06T00:19:24.780Z',
  tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/Sales',
  tableId: '12345a12-abcd-123a-ab12-1234abc12345',
  exportFromTime: '2026-12-06T00:00:00.000Z',
  exportToTime: '2026-12-06T00:15:00.000Z',
  s3Bucket: 'ddb-sales-export',
  s3Prefix: 'sales/2026-12',
  s3SseAlgorithm: 'AES256',
  s3SseKmsKeyId: null,
  billedSizeBytes: 0,
  itemCount: 3,
  outputFormat: 'DYNAMODB_JSON',
  outputView: view,
  exportType: 'INCREMENTAL_EXPORT',
});

const ts = (n: number) => ({ WriteTimestampMicros: { N: String(1764979300000000 + n) } });
// Incremental data files live in the prefix's shared AWSDynamoDB/data/ folder.
const incrementalUri = writeExport('01764980100000-0f0e0d0c', incrementalSummary('NEW_AND_OLD_IMAGES'), [
  {
    key: 'sales/2026-12/AWSDynamoDB/data/sgad6417s6vss4p7owp0471bcq.json.gz',
    itemCount: 3,
    body: gz([
      // insert: Keys and NewImage
      {
        Metadata: ts(1),
        Keys: { InvoiceNo: { S: '536368' } },
        NewImage: { InvoiceNo: { S: '536368' }, StockCode: { N: '22960' }, Price: { N: '4.25' } },
      },
      // update: Keys, NewImage and OldImage
      {
        Metadata: ts(2),
        Keys: { InvoiceNo: { S: '536366' } },
        OldImage: { InvoiceNo: { S: '536366' }, StockCode: { N: '22633' }, Price: { N: '1.85' } },
        NewImage: { InvoiceNo: { S: '536366' }, StockCode: { N: '22633' }, Price: { N: '2.10' } },
      },
      // delete: Keys and OldImage
      {
        Metadata: ts(3),
        Keys: { InvoiceNo: { S: '536367' } },
        OldImage: { InvoiceNo: { S: '536367' }, StockCode: { N: '84879' }, Price: { N: '1.69' } },
      },
    ]),
  },
]);

const newImageUri = writeExport('01764981000000-99999999', { ...incrementalSummary('NEW_IMAGE'), itemCount: 1 }, [
  // NEW_IMAGE view: a delete carries the Keys only.
  {
    key: 'sales/2026-12/AWSDynamoDB/data/n2ehpxgdbndpbgkqgg6jmrclvm.json.gz',
    itemCount: 1,
    body: gz([{ Metadata: ts(4), Keys: { InvoiceNo: { S: '536365' } } }]),
  },
]);

async function collect<T>(source: Source<T>): Promise<T[]> {
  const { ctx } = testContext();
  const sink = new MemorySink<T>();
  await runPipeline(from(source).into(sinkWritable(sink, ctx)), ctx);
  return sink.rows;
}

describe('reading DynamoDB export files (AWS documented format)', () => {
  it('reads a full export: every type as the SDK gives a Scan, numbers exact, empty partition files skipped', async () => {
    const items = await collect(exportItems(store, fullUri, { batchSize: 2 }));
    expect(items.map((i) => i['InvoiceNo']?.S)).toEqual(['536365', '536366', '536367']);
    expect(items[0]).toEqual({
      InvoiceNo: { S: '536365' },
      StockCode: { N: '85123' },
      Price: { N: '12345678901234567890.123456789012345678' },
      Tags: { SS: ['gift', 'home'] },
      Sizes: { NS: ['1', '2.5'] },
      Thumb: { B: new Uint8Array([0, 1, 2, 255]) },
      Parts: { BS: [new Uint8Array([1]), new Uint8Array([2])] },
      Extra: { M: { list: { L: [{ S: 'x' }, { NULL: true }, { BOOL: false }] } } },
    });
  });

  it('takes the export folder as well as its manifest-summary.json', async () => {
    const manifest = await readExportManifest(store, fullUri.replace('manifest-summary.json', ''));
    expect(manifest).toMatchObject({
      type: 'FULL_EXPORT',
      itemCount: 3,
      exportTime: '2026-12-06T00:00:00.000Z',
      exportFromTime: undefined,
    });
    expect(manifest.dataFiles.map((f) => f.uri)).toEqual([
      `file://${root}/${dataKey('bafybeiczss3yxay3o4abnabbb')}`,
      `file://${root}/${dataKey('gkes5o3lnrhoznhnkyax3hxvya')}`,
      `file://${root}/${dataKey('ueyngqh6t4u4pmdekclz3lyqqy')}`,
    ]);
  });

  it('reads an incremental export as upserts and deletes keyed by the table key, with their write times', async () => {
    const changes = await collect(exportChanges(store, incrementalUri));
    expect(changes).toEqual<ExportChange[]>([
      {
        kind: 'upsert',
        key: { InvoiceNo: { S: '536368' } },
        item: { InvoiceNo: { S: '536368' }, StockCode: { N: '22960' }, Price: { N: '4.25' } },
        writtenAtMicros: 1764979300000001,
      },
      {
        kind: 'upsert',
        key: { InvoiceNo: { S: '536366' } },
        item: { InvoiceNo: { S: '536366' }, StockCode: { N: '22633' }, Price: { N: '2.10' } },
        writtenAtMicros: 1764979300000002,
      },
      { kind: 'delete', key: { InvoiceNo: { S: '536367' } }, writtenAtMicros: 1764979300000003 },
    ]);
    expect(await collect(exportChanges(store, newImageUri))).toEqual([
      { kind: 'delete', key: { InvoiceNo: { S: '536365' } }, writtenAtMicros: 1764979300000004 },
    ]);
  });

  it('gives the point in time an export reflects: a full export its exportTime, an incremental one the end of its window', async () => {
    expect(await readExportManifest(store, incrementalUri)).toMatchObject({
      type: 'INCREMENTAL_EXPORT',
      exportFromTime: '2026-12-06T00:00:00.000Z',
      exportTime: '2026-12-06T00:15:00.000Z',
    });
  });

  it('holds at most maxChanges changed items of a window, and fails with what to do past it', async () => {
    const key = { partitionKey: 'InvoiceNo' };
    const apply = (maxChanges: number) =>
      collect(applyExportChanges(exportItems(store, fullUri), exportChanges(store, incrementalUri), key, { maxChanges }));
    await expect(apply(3)).resolves.toHaveLength(3);
    await expect(apply(2)).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining(
        'more than 2 changed items, the most one incremental export may hold in memory (maxChanges); export a shorter window',
      ),
    });
  });

  it('applies incremental exports in turn to the full export: the current state', async () => {
    const key = { partitionKey: 'InvoiceNo' };
    const afterFirst = applyExportChanges(exportItems(store, fullUri), exportChanges(store, incrementalUri), key);
    const current = await collect(applyExportChanges(afterFirst, exportChanges(store, newImageUri), key));
    expect(current.map((i) => [i['InvoiceNo']?.S, i['Price']?.N])).toEqual([
      ['536366', '2.10'],
      ['536368', '4.25'],
    ]);
  });

  it('refuses the wrong reader, an Ion export and a data file shorter than its manifest says', async () => {
    await expect(collect(exportChanges(store, fullUri))).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
      message: expect.stringContaining('read it with exportItems'),
    });
    await expect(collect(exportItems(store, incrementalUri))).rejects.toThrow('read it with exportChanges');
    const ion = writeExport('01764982000000-10101010', { ...fullSummary, outputFormat: 'ION' }, []);
    await expect(collect(exportItems(store, ion))).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('ExportFormat DYNAMODB_JSON'),
    });
    const truncated = writeExport('01764983000000-20202020', fullSummary, [
      { key: dataKey('short', '01764983000000-20202020'), itemCount: 3, body: gz([{ Item: { InvoiceNo: { S: '1' } } }]) },
    ]);
    await expect(collect(exportItems(store, truncated))).rejects.toThrow('holds 1 items, its manifest says 3');
    const notJson = writeExport('01764984000000-30303030', fullSummary, [
      { key: dataKey('bad', '01764984000000-30303030'), itemCount: 1, body: gzipSync('{"Item": {"a": {"S": "x"}\n') },
    ]);
    await expect(collect(exportItems(store, notJson))).rejects.toThrow(/bad\.json\.gz line 1 is not JSON/);
  });
});
