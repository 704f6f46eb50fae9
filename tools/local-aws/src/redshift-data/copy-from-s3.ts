import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { ParquetFile, type RandomAccessFile } from '@etl/parquet';
import { isoMicros } from '@etl/schema';
import { quoteIdent } from '@etl/sql';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { loadCsv } from './copy-csv.js';
import { insertBatch, MAX_PARAMS, type CopyColumn } from './copy-rows.js';
import type { CopyCommand } from './redshift-sql.js';
import type { SqlSession } from './sql-backend.js';

/**
 * Runs Redshift's `COPY … FROM 's3://…' FORMAT AS CSV | PARQUET` against PostgreSQL: every object under
 * the prefix is read from the S3 endpoint (CSV streamed, Parquet by row group with ranged GETs), and
 * inserted in batches inside the caller's transaction, so a failing COPY loads nothing. Parquet columns
 * map to the table's (or the listed) columns by position, as Redshift does. Returns the rows loaded.
 * CSV goes through `COPY … FROM STDIN` when the engine is a PostgreSQL server (see `loadCsv`).
 */
export async function copyFromS3(copy: CopyCommand, session: SqlSession, s3: S3Client): Promise<number> {
  const target = await session.query(`SELECT ${copy.columns ? copy.columns.join(', ') : '*'} FROM ${copy.table} WHERE false`);
  const columns = target.columns;
  const { bucket, prefix } = splitS3(copy.from);
  let loaded = 0;
  let objects = 0;
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) {
      if (!object.Key || object.Key.endsWith('/')) continue;
      objects++;
      const uri = `s3://${bucket}/${object.Key}`;
      if (copy.format === 'parquet') {
        loaded += await loadParquet(copy, session, s3Object(s3, bucket, object.Key, object.Size ?? 0), columns);
        continue;
      }
      const key = object.Key;
      const open = async (): Promise<Readable> => {
        const body = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body as Readable;
        return copy.gzip ? body.pipe(createGunzip()) : body;
      };
      loaded += await loadCsv(copy, session, open, uri, columns);
    }
  }
  if (objects === 0) throw new Error(`The specified S3 prefix '${copy.from}' does not exist`);
  return loaded;
}

async function loadParquet(
  copy: CopyCommand,
  session: SqlSession,
  file: RandomAccessFile,
  columns: readonly CopyColumn[],
): Promise<number> {
  const parquet = await ParquetFile.open(file);
  const fields = parquet.schema.fields;
  if (fields.length !== columns.length) {
    // Redshift fails such a COPY outright (no per-record load error): the statement's own message.
    throw new Error(
      `${file.name}: the Parquet file has ${fields.length} columns (${fields.map((f) => f.name).join(', ')}), the COPY target has ${columns.length} (${columns.map((c) => c.name).join(', ')}); Parquet columns load by position`,
    );
  }
  const insertHead = `INSERT INTO ${copy.table} (${columns.map((c) => quoteIdent(c.name)).join(', ')}) VALUES `;
  const batchRows = Math.max(1, Math.floor(MAX_PARAMS / Math.max(1, columns.length)));
  let loaded = 0;
  for await (const { rows } of parquet.batches()) {
    const lineOf = loaded;
    const values = rows.map((row, r) => ({ values: fields.map((f) => sqlText(row[f.name], f.type.kind)), line: lineOf + r + 1 }));
    for (let start = 0; start < values.length; start += batchRows) {
      await insertBatch(session, insertHead, columns, values.slice(start, start + batchRows), file.name);
    }
    loaded += rows.length;
  }
  return loaded;
}

/** A Parquet value as the text PostgreSQL parses for the column (timestamps from microseconds). */
function sqlText(value: unknown, kind: string): string | null {
  if (value === null || value === undefined) return null;
  if (kind === 'timestamp' && typeof value === 'bigint') return isoMicros(value);
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'object') return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

/** Ranged GETs of one S3 object, for the Parquet reader. */
function s3Object(s3: S3Client, bucket: string, key: string, size: number): RandomAccessFile {
  return {
    name: `s3://${bucket}/${key}`,
    size,
    async read(start, end) {
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end - 1}` }));
      return response.Body ? await response.Body.transformToByteArray() : new Uint8Array(0);
    },
  };
}

function splitS3(uri: string): { bucket: string; prefix: string } {
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  return slash === -1 ? { bucket: rest, prefix: '' } : { bucket: rest.slice(0, slash), prefix: rest.slice(slash + 1) };
}
