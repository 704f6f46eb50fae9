import { text } from 'node:stream/consumers';
import { TerminalError } from '@etl/core';
import { CsvParser } from '@etl/csv';
import type { ObjectInfo, ObjectStore } from '@etl/object-store';

/** Primary key columns by table name (lowercased, as Glue names tables). */
export type PrimaryKeys = ReadonlyMap<string, readonly string[]>;

/** The primary-key file is read whole: a line per table, so 1 MiB is tens of thousands of tables. */
const MAX_BYTES = 16 * 1024 * 1024;

/**
 * `table_name,primary_key` CSV (seed 001): a composite key is one quoted field of comma-separated
 * columns (`orders,"order_id,line_no"`). Names are trimmed; table names compare case-insensitively.
 * A table named twice with different keys, a missing header or an empty key is a `TerminalError`
 * naming the file and line.
 */
export function parsePrimaryKeys(csv: string, uri: string): PrimaryKeys {
  const records: Array<{ fields: string[]; line: number }> = [];
  const problems: string[] = [];
  const parser = new CsvParser({ file: uri });
  const onRecord = (fields: string[], line: number) => records.push({ fields, line });
  const onReject = (error: Error) => problems.push(error.message);
  parser.push(csv.replace(/^\uFEFF/, ''), onRecord, onReject);
  parser.end(onRecord, onReject);
  const [header, ...rows] = records.filter((r) => r.fields.some((f) => f.trim() !== ''));
  const names = header?.fields.map((f) => f.trim().toLowerCase());
  if (names?.[0] !== 'table_name' || names[1] !== 'primary_key')
    throw new TerminalError(
      'CONFIG',
      `${uri}: the header must be table_name,primary_key, not ${header?.fields.join(',') ?? '(empty file)'}`,
    );
  const keys = new Map<string, string[]>();
  for (const { fields, line } of rows) {
    const table = (fields[0] ?? '').trim().toLowerCase();
    const key = (fields[1] ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '');
    if (table === '' || key.length === 0) {
      problems.push(`line ${line}: needs a table name and at least one key column, got ${fields.join(',')}`);
      continue;
    }
    const earlier = keys.get(table);
    if (earlier && earlier.join(',') !== key.join(','))
      problems.push(`line ${line}: ${table} is named again with another key (${key.join(',')}, before ${earlier.join(',')})`);
    keys.set(table, key);
  }
  if (problems.length > 0) throw new TerminalError('CONFIG', `${uri}: ${problems.join('; ')}`);
  return keys;
}

/** The newest CSV under the prefix: greatest LastModified, then greatest key (seed 001's "latest file"). Hidden files are skipped. */
export async function latestPrimaryKeyFile(
  store: ObjectStore,
  prefixUri: string,
  options: { signal?: AbortSignal } = {},
): Promise<ObjectInfo | undefined> {
  let latest: ObjectInfo | undefined;
  for await (const object of store.list(prefixUri, options)) {
    const name = object.uri.slice(object.uri.lastIndexOf('/') + 1);
    if (!/\.csv$/i.test(name) || name.startsWith('_') || name.startsWith('.')) continue;
    const newer =
      !latest ||
      object.lastModified.getTime() > latest.lastModified.getTime() ||
      (object.lastModified.getTime() === latest.lastModified.getTime() && object.uri > latest.uri);
    if (newer) latest = object;
  }
  return latest;
}

/** The primary keys of the newest CSV under `--primary_key_s3_prefix`; none there is a `TerminalError` NOT_FOUND. */
export async function readPrimaryKeys(
  store: ObjectStore,
  prefixUri: string,
  options: { signal?: AbortSignal } = {},
): Promise<{ uri: string; keys: PrimaryKeys }> {
  const file = await latestPrimaryKeyFile(store, prefixUri, options);
  if (!file) throw new TerminalError('NOT_FOUND', `no primary-key CSV (table_name,primary_key) under ${prefixUri}: upload one there`);
  if (file.size > MAX_BYTES)
    throw new TerminalError('CONFIG', `${file.uri} is ${file.size} bytes; a primary-key file is read whole and may hold at most 16 MiB`);
  return { uri: file.uri, keys: parsePrimaryKeys(await text(await store.get(file.uri, options)), file.uri) };
}
