import { RecordError } from '@etl/core';
import { CsvBatch } from '@etl/csv';
import type { CastPlan } from '@etl/schema';

/**
 * Text a destination cannot hold (`SourceOptions.textLimits`): a record with such a value in a text
 * column is a reject naming its line and column, instead of a load that fails further on. Values are
 * never cut or cleaned: the reason says what to change in the source.
 */
export interface TextLimits {
  /** Longest text value, in UTF-8 bytes. */
  maxBytes: number;
  /** Refuse text holding NUL (U+0000). */
  refuseNul: boolean;
  /** The destination, as a reason names it ("Redshift"). */
  destination: string;
}

/** What a rejected value shows of itself: enough to find it, never a whole long value. */
const RAW_SHOWN = 256;

/**
 * The records of `records` whose text fields (the plan's `string` columns) all fit `limits`, and a
 * reject for each other one (one reason per bad field, in column order). Values equal to a null
 * marker are nulls, not text. Returns `records` itself when every record fits; otherwise a batch
 * of the kept records over the same text (no field is copied).
 */
export function screenTextLimits(
  records: CsvBatch,
  plan: CastPlan,
  limits: TextLimits,
  options: { file?: string; nullValues?: readonly string[] } = {},
): { records: CsvBatch; rejects: RecordError[] } {
  const text = plan.fields.flatMap((f, i) => (f.type.kind === 'string' && (plan.indexes[i] as number) >= 0 ? [i] : []));
  if (text.length === 0 || records.length === 0) return { records, rejects: [] };
  // A UTF-16 unit is at most 3 bytes of UTF-8: shorter fields fit without being measured.
  const measureFrom = Math.floor(limits.maxBytes / 3) + 1;
  const nuls = limits.refuseNul ? nulsOf(records) : undefined;
  const nulls = options.nullValues?.length ? new Set(options.nullValues) : undefined;
  const rejects: RecordError[] = [];
  const dropped = new Set<number>();
  for (let r = 0; r < records.length; r++) {
    let problems: Array<{ column: string; code: 'TOO_LARGE' | 'REJECTED_BY_TARGET'; reason: string; raw: string }> | undefined;
    for (const i of text) {
      const k = plan.indexes[i] as number;
      if (k >= records.fieldCount(r)) continue;
      // The field's span, read in place (this runs for every text value staged): in the chunk, or
      // the string the parser made of it (a quoted field with doubled quotes).
      const at = 2 * ((records.first[r] as number) + k);
      const quoted = (records.bounds[at] as number) === -1;
      const value = quoted ? (records.strings[records.bounds[at + 1] as number] as string) : records.text;
      const start = quoted ? 0 : (records.bounds[at] as number);
      const end = quoted ? value.length : (records.bounds[at + 1] as number);
      const long = end - start >= measureFrom;
      if (!long && !nuls) continue;
      const bytes = long ? utf8Bytes(value, start, end) : 0;
      const problem =
        bytes > limits.maxBytes
          ? ({
              code: 'TOO_LARGE',
              reason: `${bytes} bytes in UTF-8, over the ${limits.maxBytes} ${limits.destination} holds in a text column: shorten it in the source (values are never truncated)`,
            } as const)
          : nuls && (quoted ? value.includes('\0') : chunkHolds(nuls, start, end))
            ? ({
                code: 'REJECTED_BY_TARGET',
                reason: `holds a NUL character (U+0000), which ${limits.destination} refuses in text: remove it in the source (values are never stripped)`,
              } as const)
            : undefined;
      if (!problem || nulls?.has(value.slice(start, end).trim())) continue;
      const column = (plan.fields[i] as { name: string }).name;
      (problems ??= []).push({ column, ...problem, raw: value.slice(start, Math.min(end, start + RAW_SHOWN)) });
    }
    const first = problems?.[0];
    if (!problems || !first) continue;
    dropped.add(r);
    rejects.push(
      new RecordError({
        code: first.code,
        reason: problems.map((p) => `${p.column}: ${p.reason}`).join('; '),
        file: options.file,
        line: records.line(r),
        column: first.column,
        raw: first.raw,
      }),
    );
  }
  if (rejects.length === 0) return { records, rejects };
  return { records: keptRecords(records, (r) => !dropped.has(r)), rejects };
}

/** Where the batch's chunk holds NUL (ascending), when it or a quoted field's string holds any; else undefined. */
function nulsOf(records: CsvBatch): number[] | undefined {
  const at: number[] = [];
  for (let i = records.text.indexOf('\0'); i !== -1; i = records.text.indexOf('\0', i + 1)) at.push(i);
  return at.length > 0 || records.strings.some((s) => s.includes('\0')) ? at : undefined;
}

/** Whether a NUL of the chunk (at `nuls`, ascending) is within `[start, end)`. */
function chunkHolds(nuls: readonly number[], start: number, end: number): boolean {
  let lo = 0;
  let hi = nuls.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((nuls[mid] as number) < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < nuls.length && (nuls[lo] as number) < end;
}

/** UTF-8 length of `value[start, end)` without copying it; a lone surrogate counts as U+FFFD (3 bytes), as encoding writes it. */
export function utf8Bytes(value: string, start: number, end: number): number {
  let bytes = 0;
  for (let i = start; i < end; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** The records `keep` accepts, as a batch over the same chunk (quoted fields' strings carried over). */
function keptRecords(records: CsvBatch, keep: (record: number) => boolean): CsvBatch {
  const kept = new CsvBatch(records.text, records.first[records.length] as number);
  for (let r = 0; r < records.length; r++) {
    if (!keep(r)) continue;
    for (let at = 2 * (records.first[r] as number); at < 2 * (records.first[r + 1] as number); at += 2) {
      const start = records.bounds[at] as number;
      const end = records.bounds[at + 1] as number;
      if (start === -1) kept.addString(records.strings[end] as string);
      else kept.addSpan(start, end);
    }
    kept.endRecord(records.line(r));
  }
  return kept;
}
