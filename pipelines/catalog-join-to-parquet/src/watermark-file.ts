import { text } from 'node:stream/consumers';
import { TerminalError } from '@etl/core';
import type { ObjectStore } from '@etl/object-store';
import { compileCaster, isoMicros } from '@etl/schema';

/** The seed's timestamp file, one row per table: `table_name,last_updated_at`. */
export const WATERMARK_HEADER = 'table_name,last_updated_at';
/** A file larger than this is not a timestamp file (one short line per table). */
const MAX_BYTES = 1024 * 1024;

/**
 * What the file says: per table (`tables`), or, in the seed's one-value form (a single timestamp,
 * optionally under a one-column header), one value for every table (`all`).
 */
export interface Watermarks {
  tables: ReadonlyMap<string, bigint>;
  all?: bigint;
}

const instant = compileCaster({ name: 'last_updated_at', type: { kind: 'timestamp', withZone: true }, nullable: false });

/** A table's watermark (microseconds since the epoch), or undefined: the table has none (all its rows are new). */
export function watermarkOf(watermarks: Watermarks | undefined, table: string): bigint | undefined {
  return watermarks?.tables.get(table) ?? watermarks?.all;
}

/** Parses the file's text (pure); anything else is a `TerminalError` naming `uri` and what to do. */
export function parseWatermarks(body: string, uri: string): Watermarks {
  const lines = body
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const bad = (why: string) =>
    new TerminalError(
      'CONFIG',
      `${uri}: ${why}; expected the header ${WATERMARK_HEADER} and one row per table (delete the file for a full load)`,
    );
  const time = (value: string, where: string): bigint => {
    const micros = instant(value.replace(/^"|"$/g, ''));
    if (typeof micros !== 'bigint') throw bad(`${where} ${value} is not an ISO-8601 time`);
    return micros;
  };
  if (lines[0]?.toLowerCase().replace(/"/g, '') === WATERMARK_HEADER) {
    const tables = new Map<string, bigint>();
    for (const [i, line] of lines.slice(1).entries()) {
      const comma = line.indexOf(',');
      const table = line.slice(0, Math.max(comma, 0)).replace(/^"|"$/g, '');
      if (comma < 0 || table === '') throw bad(`line ${i + 2} is not table_name,last_updated_at`);
      if (tables.has(table)) throw bad(`table ${table} appears twice`);
      tables.set(table, time(line.slice(comma + 1).trim(), `line ${i + 2}:`));
    }
    return { tables };
  }
  // The seed's form: one value, perhaps under a one-column header.
  const values = lines.length === 2 && typeof instant(lines[0] ?? '') !== 'bigint' ? lines.slice(1) : lines;
  if (values.length !== 1 || values[0]?.includes(',')) throw bad('not one timestamp and no table rows');
  return { tables: new Map(), all: time(values[0] as string, 'the value') };
}

/** The file's text: the header, then one row per table by name, values ISO-8601 UTC with microseconds. */
export function formatWatermarks(tables: ReadonlyMap<string, bigint>): string {
  const rows = [...tables].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([table, micros]) => `${table},${isoMicros(micros)}`);
  return `${[WATERMARK_HEADER, ...rows].join('\n')}\n`;
}

/** The file at `uri`, or undefined when there is none (a full load). */
export async function readWatermarks(store: ObjectStore, uri: string, signal?: AbortSignal): Promise<Watermarks | undefined> {
  // Checked before the run: a folder would read as "no file" (a full load) and fail only at the end, when the file is written.
  if (uri.endsWith('/'))
    throw new TerminalError('CONFIG', `${uri} names a folder; give the timestamp file itself (${uri}last_load_timestamp.csv)`);
  const head = await store.head(uri);
  if (!head) return undefined;
  if (head.size > MAX_BYTES)
    throw new TerminalError('CONFIG', `${uri} is ${head.size} bytes, not a timestamp file (delete it for a full load)`);
  return parseWatermarks(await text(await store.get(uri, signal ? { signal } : {})), uri);
}

/** Replaces the file with one `put` (atomic on S3 and locally): only after the output is published. */
export async function writeWatermarks(store: ObjectStore, uri: string, tables: ReadonlyMap<string, bigint>): Promise<void> {
  await store.put(uri, formatWatermarks(tables), { contentType: 'text/csv' });
}
