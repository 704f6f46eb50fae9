import { text } from 'node:stream/consumers';
import { TerminalError } from '@etl/core';
import { joinUri, type ObjectStore } from '@etl/object-store';
import { compileCaster, isoMicros } from '@etl/schema';

/**
 * `<cdc_path>/<table>.json`: the greatest change time (`column`) a run published for the table, so
 * the next run reads from there. A fixed handful of fields whatever the data: never a list of keys.
 */
export interface Watermark {
  table: string;
  column: string;
  /** ISO 8601 UTC with microseconds: `2026-12-06T01:02:03.000456Z`. */
  value: string;
  run_id: string;
  committed_at: string;
}

/** A watermark file is never larger than this. */
export const WATERMARK_MAX_BYTES = 4096;

export function watermarkUri(cdcPath: string, table: string): string {
  return joinUri(cdcPath, `${table}.json`);
}

const instant = compileCaster({ name: 'value', type: { kind: 'timestamp', withZone: true }, nullable: false });

/** The watermark's value in microseconds since the epoch. */
export function watermarkMicros(watermark: Pick<Watermark, 'value'>): bigint {
  const micros = instant(watermark.value);
  if (typeof micros !== 'bigint') throw new TerminalError('CONFIG', `watermark value ${watermark.value} is not an ISO 8601 time`);
  return micros;
}

export function formatWatermark(fields: Omit<Watermark, 'value'> & { micros: bigint }): string {
  const { micros, ...rest } = fields;
  const body = `${JSON.stringify({ table: rest.table, column: rest.column, value: isoMicros(micros), run_id: rest.run_id, committed_at: rest.committed_at })}\n`;
  if (Buffer.byteLength(body) > WATERMARK_MAX_BYTES)
    throw new TerminalError('BAD_ARGUMENT', `the watermark of ${rest.table} would be ${Buffer.byteLength(body)} bytes, more than 4 KiB`);
  return body;
}

/**
 * The table's watermark, or undefined when it has none (its first load). A file that is not a
 * watermark is a `TerminalError` naming it: delete it to load the table in full.
 */
export async function readWatermark(
  store: ObjectStore,
  uri: string,
  options: { signal?: AbortSignal } = {},
): Promise<Watermark | undefined> {
  if (!(await store.head(uri))) return undefined;
  const body = await text(await store.get(uri, options));
  let parsed: Partial<Watermark> | null = null;
  try {
    parsed = JSON.parse(body) as Partial<Watermark> | null;
  } catch {
    // reported below
  }
  const watermark = parsed as Watermark;
  if (typeof parsed?.value !== 'string' || typeof parsed.column !== 'string' || typeof instant(parsed.value) !== 'bigint')
    throw new TerminalError('CONFIG', `${uri} is not a watermark ({"table","column","value",…}); delete it to load the table in full`);
  return watermark;
}

/** Replaces the watermark with one `put` (atomic on S3 and locally); only after the table's output is published. */
export async function writeWatermark(
  store: ObjectStore,
  uri: string,
  fields: Omit<Watermark, 'value'> & { micros: bigint },
): Promise<Watermark> {
  const body = formatWatermark(fields);
  await store.put(uri, body, { contentType: 'application/json' });
  return JSON.parse(body) as Watermark;
}
