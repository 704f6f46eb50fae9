import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParquetFile, ParquetReadError } from '../index.js';
import { bytesFile } from './random-access.js';

/**
 * apache/parquet-testing (test-data/parquet-testing, see its MANIFEST.md): every file pyarrow reads
 * must read here, with pyarrow's values where `_expected_by_pyarrow` has them; bad_data and encrypted
 * files must fail with a ParquetReadError naming the file.
 */
const root = join(import.meta.dirname, '../../test-data/parquet-testing');
const listing = readFileSync(join(root, 'FILES.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t'));
const readable = listing.filter((cols) => /^read OK/.test(cols[7] ?? '')).map((cols) => cols[0] as string);
const unreadable = listing.filter((cols) => !/^read OK/.test(cols[7] ?? '')).map((cols) => cols[0] as string);
const expectedFiles = new Set(readdirSync(join(root, '_expected_by_pyarrow')));
const encrypted = readdirSync(join(root, 'data')).filter((f) => f.endsWith('.parquet.encrypted'));

async function readAll(path: string) {
  const parquet = await ParquetFile.open(bytesFile(readFileSync(join(root, path)), path));
  const rows: Record<string, unknown>[] = [];
  for await (const batch of parquet.batches()) rows.push(...batch.rows);
  return { parquet, rows };
}

describe('parquet-testing conformance', () => {
  it('lists the files it checks', () => {
    expect(readable.length).toBeGreaterThan(60);
    expect(expectedFiles.size).toBe(30);
  });

  it.each(readable)('reads %s', async (path) => {
    const { parquet, rows } = await readAll(path);
    expect(rows.length).toBe(parquet.numRows);
    const expectedName = `${path.split('/').pop()}.json`;
    if (!expectedFiles.has(expectedName)) return;
    const expected = JSON.parse(readFileSync(join(root, '_expected_by_pyarrow', expectedName), 'utf8')) as {
      schema: string;
      rows: unknown[];
    };
    const units = timestampUnits(expected.schema);
    const received = rows.map((row) => normalizeRow(row, units));
    expect(received).toEqual(alignMaps(expected.rows, received));
  });

  it.each([...unreadable.filter((p) => p.startsWith('bad_data/')), ...encrypted.map((f) => `data/${f}`)])(
    'fails clearly on %s',
    async (path) => {
      const error = await readAll(path).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ParquetReadError);
      expect((error as Error).message).toContain(path);
      // Says why in words, not only a decoder's internal TypeError.
      expect((error as Error).message).toMatch(/corrupt|unsupported|out of range|encrypted|not a Parquet file|declares/);
    },
  );
});

/** Top-level timestamp columns' units from pyarrow's schema text (`a: timestamp[ms, tz=UTC]`). */
function timestampUnits(schema: string): Map<string, string> {
  const units = new Map<string, string>();
  for (const match of schema.matchAll(/^(\w+): timestamp\[(\w+)/gm)) units.set(match[1] as string, match[2] as string);
  return units;
}

function normalizeRow(row: Record<string, unknown>, units: Map<string, string>): unknown {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => {
      const unit = units.get(k);
      if (typeof v === 'bigint' && unit)
        return [k, Number(unit === 'ms' ? v / 1000n : unit === 's' ? v / 1_000_000n : unit === 'ns' ? v * 1000n : v)];
      return [k, normalize(v)];
    }),
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Our values in pyarrow's JSON dump form: bigints as numbers, bytes as {utf8}|{base64}, NaN as "nan". */
function normalize(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v;
  if (v instanceof Uint8Array) {
    try {
      return { utf8: utf8.decode(v) };
    } catch {
      return { base64: Buffer.from(v).toString('base64') };
    }
  }
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(normalize);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  return v;
}

/**
 * pyarrow dumps maps as `[[key, value], …]`; the reader returns them as objects keyed by the key's
 * text. Where the received value is an object and the expected one a list of pairs, compare as objects.
 */
function alignMaps(expected: unknown, received: unknown): unknown {
  if (Array.isArray(expected) && Array.isArray(received)) return expected.map((v, i) => alignMaps(v, received[i]));
  if (
    Array.isArray(expected) &&
    received !== null &&
    typeof received === 'object' &&
    expected.every((p) => Array.isArray(p) && p.length === 2)
  ) {
    const object = received as Record<string, unknown>;
    return Object.fromEntries(expected.map(([k, v]: unknown[]) => [String(k), alignMaps(v, object[String(k)])]));
  }
  if (expected !== null && typeof expected === 'object' && received !== null && typeof received === 'object' && !Array.isArray(expected)) {
    const object = received as Record<string, unknown>;
    return Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, alignMaps(v, object[k])]));
  }
  return expected;
}
