import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { TerminalError } from '@etl/core';
import { countBytes, toReadable } from '../body.js';
import type { Body, ByteRange, GetOptions, ListOptions, ObjectInfo, ObjectStore, PutOptions, PutResult } from '../object-store.js';
import { parseObjectUri } from '../uri.js';
import { mapS3Error } from './s3-errors.js';
import { s3Sdk, s3Storage } from './s3-sdk.js';

const MiB = 1024 * 1024;
const MIN_PART_SIZE = 5 * MiB;
const MAX_COPY_OBJECT_SIZE = 5 * 1024 * MiB;

export interface S3ObjectStoreOptions {
  /** Default multipart part size for `put` (see `PutOptions.partSize` for the memory bound). */
  partSize?: number;
  /** Default concurrent parts for `put`. */
  queueSize?: number;
  /** Objects larger than this are copied part by part (`UploadPartCopy`); CopyObject stops at 5 GiB. */
  multipartCopyThreshold?: number;
  /** Part size of a multipart copy. */
  copyPartSize?: number;
}

/** S3 through the AWS SDK v3. Multipart uploads go through `@aws-sdk/lib-storage`'s pull-based `Upload`. */
export class S3ObjectStore implements ObjectStore {
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly multipartCopyThreshold: number;
  private readonly copyPartSize: number;
  /** The SDK's commands: loaded with the first store (see `s3Sdk`). */
  private readonly sdk = s3Sdk();

  constructor(
    private readonly client: S3Client,
    options: S3ObjectStoreOptions = {},
  ) {
    this.partSize = checkPartSize(options.partSize ?? 8 * MiB);
    this.queueSize = options.queueSize ?? 2;
    this.multipartCopyThreshold = Math.min(options.multipartCopyThreshold ?? MAX_COPY_OBJECT_SIZE, MAX_COPY_OBJECT_SIZE);
    this.copyPartSize = checkPartSize(options.copyPartSize ?? 512 * MiB);
  }

  async get(uri: string, options: GetOptions = {}): Promise<Readable> {
    const { bucket, key } = s3Location(uri);
    try {
      const response = await this.client.send(
        new this.sdk.GetObjectCommand({ Bucket: bucket, Key: key, ...(options.range ? { Range: rangeHeader(options.range) } : {}) }),
        { ...(options.signal ? { abortSignal: options.signal } : {}) },
      );
      return response.Body as Readable;
    } catch (error) {
      throw mapS3Error(error, uri);
    }
  }

  async head(uri: string): Promise<ObjectInfo | undefined> {
    const { bucket, key } = s3Location(uri);
    try {
      const response = await this.client.send(new this.sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
      return {
        uri,
        size: response.ContentLength ?? 0,
        lastModified: response.LastModified ?? new Date(0),
        ...(response.ETag ? { etag: response.ETag } : {}),
      };
    } catch (error) {
      const mapped = mapS3Error(error, uri);
      const missing =
        mapped instanceof TerminalError && mapped.code === 'NOT_FOUND' && (error as { name?: string }).name !== 'NoSuchBucket';
      // A HEAD's 404 has no body: a missing bucket reads like a missing key. Tell them apart, once per bucket.
      if (missing && (await this.bucketExists(bucket))) return undefined;
      if (missing)
        throw new TerminalError('NOT_FOUND', `bucket ${bucket} does not exist (${uri}): check the bucket name`, { cause: error });
      throw mapped;
    }
  }

  private readonly buckets = new Map<string, Promise<boolean>>();

  /** Whether a bucket exists (asked once per bucket); an error other than 404 counts as "exists" and surfaces elsewhere. */
  private bucketExists(bucket: string): Promise<boolean> {
    let known = this.buckets.get(bucket);
    if (!known) {
      known = this.client.send(new this.sdk.HeadBucketCommand({ Bucket: bucket })).then(
        () => true,
        (error: { name?: string; $metadata?: { httpStatusCode?: number } }) =>
          !(error.name === 'NotFound' || error.name === 'NoSuchBucket' || error.$metadata?.httpStatusCode === 404),
      );
      this.buckets.set(bucket, known);
    }
    return known;
  }

  async *list(prefixUri: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    const { bucket, key: prefix } = s3Location(prefixUri);
    const pages = this.sdk.paginateListObjectsV2(
      { client: this.client, pageSize: options.pageSize ?? 1000 },
      { Bucket: bucket, Prefix: prefix },
    );
    try {
      for await (const page of pages) {
        options.signal?.throwIfAborted();
        for (const object of page.Contents ?? []) {
          if (object.Key === undefined) continue;
          yield {
            uri: `s3://${bucket}/${object.Key}`,
            size: object.Size ?? 0,
            lastModified: object.LastModified ?? new Date(0),
            ...(object.ETag ? { etag: object.ETag } : {}),
          };
        }
      }
    } catch (error) {
      throw mapS3Error(error, prefixUri);
    }
  }

  /**
   * Streams `body` to S3. Small bodies become one PutObject; larger ones a multipart upload holding
   * about `2 * partSize * queueSize` bytes (see `PutOptions.partSize`). On failure or abort the
   * multipart upload is aborted on S3, so no parts are left behind and no object appears.
   */
  async put(uri: string, body: Body, options: PutOptions = {}): Promise<PutResult> {
    const { bucket, key } = s3Location(uri);
    const counter = { bytes: 0 };
    const data = countedBody(body, counter);
    const { Upload } = s3Storage();
    const upload = new Upload({
      client: this.client,
      params: { Bucket: bucket, Key: key, Body: data, ...(options.contentType ? { ContentType: options.contentType } : {}) },
      partSize: checkPartSize(options.partSize ?? this.partSize),
      queueSize: options.queueSize ?? this.queueSize,
      leavePartsOnError: false,
    });
    // Failing the body (rather than Upload.abort(), whose done() rejects before the multipart upload
    // is cleaned up) makes done() settle only after lib-storage aborted the multipart upload.
    const onAbort = () => (typeof data === 'object' && 'destroy' in data ? data.destroy(abortReason(options.signal)) : void upload.abort());
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      options.signal?.throwIfAborted();
      const result = await upload.done();
      return { uri, size: counter.bytes, ...(result.ETag ? { etag: result.ETag } : {}) };
    } catch (error) {
      await this.abandonMultipartUpload(bucket, key, upload.uploadId);
      throw mapS3Error(options.signal?.aborted ? abortReason(options.signal) : error, uri);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Belt and braces: a multipart upload left pending costs money and hides nowhere in listings. */
  private async abandonMultipartUpload(bucket: string, key: string, uploadId: string | undefined): Promise<void> {
    if (!uploadId) return;
    await this.client
      .send(new this.sdk.AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      .catch(() => undefined);
  }

  async copy(fromUri: string, toUri: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const from = s3Location(fromUri);
    const to = s3Location(toUri);
    const source = await this.head(fromUri);
    if (!source) throw new TerminalError('NOT_FOUND', `${fromUri} does not exist`);
    const copySource = `${from.bucket}/${encodeURIComponent(from.key).replace(/%2F/g, '/')}`;
    const sendOptions = options.signal ? { abortSignal: options.signal } : {};
    try {
      if (source.size <= this.multipartCopyThreshold) {
        await this.client.send(new this.sdk.CopyObjectCommand({ Bucket: to.bucket, Key: to.key, CopySource: copySource }), sendOptions);
        return;
      }
      await this.multipartCopy(copySource, source.size, to, sendOptions);
    } catch (error) {
      throw mapS3Error(error, `${fromUri} -> ${toUri}`);
    }
  }

  async move(fromUri: string, toUri: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.copy(fromUri, toUri, options);
    await this.deleteMany([fromUri], options);
  }

  async deleteMany(uris: Iterable<string>, options: { signal?: AbortSignal } = {}): Promise<number> {
    const byBucket = new Map<string, string[]>();
    for (const uri of uris) {
      const { bucket, key } = s3Location(uri);
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), key]);
    }
    let count = 0;
    for (const [bucket, keys] of byBucket) {
      for (let i = 0; i < keys.length; i += 1000) {
        const chunk = keys.slice(i, i + 1000);
        try {
          const response = await this.client.send(
            new this.sdk.DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }),
            options.signal ? { abortSignal: options.signal } : {},
          );
          if (response.Errors?.length) {
            const first = response.Errors[0];
            throw new TerminalError(
              'IO',
              `could not delete ${response.Errors.length} objects in s3://${bucket}, first s3://${bucket}/${first?.Key}: ${first?.Code} ${first?.Message}`,
            );
          }
        } catch (error) {
          throw mapS3Error(error, `s3://${bucket}`);
        }
        count += chunk.length;
      }
    }
    return count;
  }

  private async multipartCopy(
    copySource: string,
    size: number,
    to: { bucket: string; key: string },
    sendOptions: { abortSignal?: AbortSignal },
  ) {
    const { UploadId } = await this.client.send(new this.sdk.CreateMultipartUploadCommand({ Bucket: to.bucket, Key: to.key }), sendOptions);
    try {
      const parts = [];
      for (let start = 0, part = 1; start < size; start += this.copyPartSize, part++) {
        const end = Math.min(start + this.copyPartSize, size) - 1;
        const response = await this.client.send(
          new this.sdk.UploadPartCopyCommand({
            Bucket: to.bucket,
            Key: to.key,
            UploadId,
            PartNumber: part,
            CopySource: copySource,
            CopySourceRange: `bytes=${start}-${end}`,
          }),
          sendOptions,
        );
        parts.push({ PartNumber: part, ETag: response.CopyPartResult?.ETag });
      }
      await this.client.send(
        new this.sdk.CompleteMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, UploadId, MultipartUpload: { Parts: parts } }),
        sendOptions,
      );
    } catch (error) {
      await this.client.send(new this.sdk.AbortMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, UploadId })).catch(() => undefined);
      throw error;
    }
  }
}

function s3Location(uri: string): { bucket: string; key: string } {
  const location = parseObjectUri(uri);
  if (location.scheme !== 's3') throw new TerminalError('BAD_ARGUMENT', `not an s3:// URI: ${uri}`);
  return location;
}

function rangeHeader(range: ByteRange): string {
  return 'suffix' in range ? `bytes=-${range.suffix}` : `bytes=${range.start}-${range.end ?? ''}`;
}

function checkPartSize(partSize: number): number {
  if (partSize < MIN_PART_SIZE) throw new RangeError(`partSize must be at least 5 MiB (S3's minimum part size), got ${partSize}`);
  return partSize;
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : Object.assign(new Error('upload aborted'), { name: 'AbortError' });
}

function countedBody(body: Body, counter: { bytes: number }): Readable | Uint8Array | string {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    counter.bytes = Buffer.byteLength(body);
    return body;
  }
  return toReadable(countBytes(toReadable(body), counter));
}
