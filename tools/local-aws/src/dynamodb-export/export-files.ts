import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { WindowChange, WireItem } from './change-log.js';

const gzipAsync = promisify(gzip);

/**
 * AWS's documented layout of an export ("DynamoDB table export output format", Amazon DynamoDB
 * Developer Guide): under `<S3Prefix>/AWSDynamoDB/<ExportId>/` the `_started` marker,
 * `manifest-files.json` (JSON lines, one per data file), `manifest-summary.json` and their
 * `.checksum` files; data files are gzipped JSON lines, under `<ExportId>/data/` for a full export
 * and in the shared `AWSDynamoDB/data/` folder for an incremental one.
 */
export interface ExportLayout {
  bucket: string;
  /** `S3Prefix` with one trailing slash, or empty. */
  prefix: string;
  exportId: string;
}

export const exportFolder = (l: ExportLayout) => `${l.prefix}AWSDynamoDB/${l.exportId}/`;
export const summaryKey = (l: ExportLayout) => `${exportFolder(l)}manifest-summary.json`;

export interface DataFileEntry {
  itemCount: number;
  md5Checksum: string;
  etag: string;
  dataFileS3Key: string;
}

/** A full export's line: the item wrapped in `Item`. */
export const fullExportLine = (item: WireItem) => JSON.stringify({ Item: item });

/**
 * An incremental export's line: `Metadata.WriteTimestampMicros`, `Keys`, and the images the view
 * asks for. NEW_AND_OLD_IMAGES: insert -> NewImage; update -> NewImage and OldImage; delete ->
 * OldImage. NEW_IMAGE: insert and update -> NewImage; delete -> Keys only.
 */
export function incrementalExportLine(change: WindowChange, view: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES'): string {
  return JSON.stringify({
    Metadata: { WriteTimestampMicros: { N: change.micros.toString() } },
    Keys: change.keys,
    ...(change.newImage ? { NewImage: change.newImage } : {}),
    ...(view === 'NEW_AND_OLD_IMAGES' && change.oldImage ? { OldImage: change.oldImage } : {}),
  });
}

/** Data file names as AWS gives them: random, lowercase base32. */
function dataFileName(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [...randomBytes(26)].map((b) => alphabet[b % 32]).join('') + '.json.gz';
}

/**
 * Writes lines into gzipped data files of at most `itemsPerFile` lines each (at least one file, as
 * AWS writes an empty file for an empty partition). Memory: one file's lines and its gzip.
 */
export async function writeDataFiles(
  s3: S3Client,
  layout: ExportLayout,
  lines: AsyncIterable<string> | Iterable<string>,
  options: { incremental: boolean; itemsPerFile: number },
): Promise<{ files: DataFileEntry[]; itemCount: number; bytes: number }> {
  const folder = options.incremental ? `${layout.prefix}AWSDynamoDB/data/` : `${exportFolder(layout)}data/`;
  const files: DataFileEntry[] = [];
  let itemCount = 0;
  let bytes = 0;
  let pending: string[] = [];
  const flush = async () => {
    const text = pending.length ? pending.join('\n') + '\n' : '';
    const body = await gzipAsync(Buffer.from(text, 'utf8'));
    const key = folder + dataFileName();
    const put = await s3.send(new PutObjectCommand({ Bucket: layout.bucket, Key: key, Body: body }));
    files.push({
      itemCount: pending.length,
      md5Checksum: createHash('md5').update(body).digest('base64'),
      etag: (put.ETag ?? '').replace(/"/g, ''),
      dataFileS3Key: key,
    });
    itemCount += pending.length;
    bytes += Buffer.byteLength(text);
    pending = [];
  };
  for await (const line of lines) {
    pending.push(line);
    if (pending.length >= options.itemsPerFile) await flush();
  }
  if (pending.length > 0 || files.length === 0) await flush();
  return { files, itemCount, bytes };
}

export async function putText(s3: S3Client, bucket: string, key: string, text: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(text, 'utf8') }));
}

/** The manifests, files first and summary last: a reader that finds the summary finds everything it lists. */
export async function writeManifests(s3: S3Client, layout: ExportLayout, files: DataFileEntry[], summary: Record<string, unknown>) {
  const filesKey = `${exportFolder(layout)}manifest-files.json`;
  const filesText = files.map((f) => JSON.stringify(f)).join('\n') + (files.length ? '\n' : '');
  await putText(s3, layout.bucket, filesKey, filesText);
  await putText(s3, layout.bucket, `${exportFolder(layout)}manifest-files.checksum`, createHash('md5').update(filesText).digest('hex'));
  const summaryText = JSON.stringify({ ...summary, manifestFilesS3Key: filesKey }, null, 2);
  await putText(s3, layout.bucket, `${exportFolder(layout)}manifest-summary.checksum`, createHash('md5').update(summaryText).digest('hex'));
  await putText(s3, layout.bucket, summaryKey(layout), summaryText);
}
