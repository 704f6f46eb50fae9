import type { Digest } from './campaign.js';

/** How a run's digest differs from the uninterrupted run's, in rows. */
export interface DigestDiff {
  /** Expected rows missing (counted with multiplicity). */
  lost: number;
  /** Extra copies of expected rows. */
  duplicated: number;
  /** Rows the uninterrupted run does not have at all (a changed value shows as one lost and one unexpected). */
  unexpected: number;
  /** A few examples, `collection: -row` / `+row`, for the report. */
  examples: string[];
}

/** Multiset difference per collection of two digests. Pure. */
export function diffDigests(expected: Digest, actual: Digest, maxExamples = 5): DigestDiff {
  const diff: DigestDiff = { lost: 0, duplicated: 0, unexpected: 0, examples: [] };
  const note = (line: string) => diff.examples.length < maxExamples && diff.examples.push(line);
  for (const name of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
    const want = counts(expected[name] ?? []);
    const have = counts(actual[name] ?? []);
    for (const [row, n] of want) {
      const got = have.get(row) ?? 0;
      if (got < n) {
        diff.lost += n - got;
        note(`${name}: -${row}`);
      } else if (got > n) {
        diff.duplicated += got - n;
        note(`${name}: +${row} (x${got - n})`);
      }
    }
    for (const [row, n] of have)
      if (!want.has(row)) {
        diff.unexpected += n;
        note(`${name}: +${row}`);
      }
  }
  return diff;
}

function counts(rows: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const row of rows) map.set(row, (map.get(row) ?? 0) + 1);
  return map;
}

/** A digest with this run's own names replaced by placeholders, so runs in different namespaces compare. Pure. */
export function withoutNames(digest: Digest, names: { bucket: string; suffix: string }): Digest {
  const suffix = new RegExp(`${names.suffix}(?![0-9])`, 'g');
  const clean = (row: string) => row.split(names.bucket).join('<bucket>').replace(suffix, '');
  return Object.fromEntries(Object.entries(digest).map(([name, rows]) => [name, rows.map(clean)]));
}
