import { CsvParser } from './csv-parser.js';

export interface CsvDialect {
  delimiter: string;
  quote: string;
  /** Whether the first record looks like column names. */
  header: boolean;
  lineEnding: 'lf' | 'crlf' | 'cr';
}

const CANDIDATES = [',', ';', '\t', '|'];

/**
 * Guesses delimiter, line ending and header from a sample of decoded text (the first 64 KiB is plenty).
 * The delimiter is the candidate that splits the sample's records into the most fields, most
 * consistently (quotes respected); ties go to the earlier of `, ; tab |`. Pure.
 */
export function sniffCsv(sample: string): CsvDialect {
  const text = cutToLastLine(sample);
  let best = { delimiter: ',', score: -1 };
  for (const delimiter of CANDIDATES) {
    const rows = records(text, delimiter);
    if (rows.length === 0) continue;
    const widths = rows.map((r) => r.length);
    const common = mode(widths);
    if (common < 2) continue;
    const consistency = widths.filter((w) => w === common).length / widths.length;
    const score = consistency * 1000 + common;
    if (score > best.score) best = { delimiter, score };
  }
  const rows = records(text, best.delimiter);
  return { delimiter: best.delimiter, quote: '"', header: looksLikeHeader(rows), lineEnding: lineEnding(text) };
}

function records(text: string, delimiter: string): string[][] {
  const out: string[][] = [];
  const parser = new CsvParser({ delimiter });
  const onRecord = (fields: string[]) => void (out.length < 200 && out.push(fields));
  parser.push(text, onRecord, () => undefined);
  parser.end(onRecord, () => undefined);
  return out;
}

/** A header row has no empty or numeric-looking names while later rows do have numbers or dates somewhere. */
function looksLikeHeader(rows: string[][]): boolean {
  const [first, ...rest] = rows;
  if (!first || first.length === 0) return false;
  const typed = (v: string) => /^[-+]?\d+([.,]\d+)?$|^\d{4}-\d{2}-\d{2}/.test(v.trim());
  if (first.some((v) => v.trim() === '' || typed(v))) return rest.length === 0 ? false : first.every((v) => !typed(v));
  if (rest.length === 0) return true;
  const firstUnique = new Set(first).size === first.length;
  const dataHasTypes = rest.some((row) => row.some(typed));
  return firstUnique && (dataHasTypes || rest.every((row) => row.some((v, i) => v !== first[i])));
}

function lineEnding(text: string): CsvDialect['lineEnding'] {
  const lf = text.indexOf('\n');
  if (lf > 0 && text[lf - 1] === '\r') return 'crlf';
  if (lf === -1 && text.includes('\r')) return 'cr';
  return 'lf';
}

/** Drops a partial last line so it does not skew the field counts. */
function cutToLastLine(sample: string): string {
  const cut = Math.max(sample.lastIndexOf('\n'), sample.lastIndexOf('\r'));
  return cut > 0 && cut < sample.length - 1 ? sample.slice(0, cut + 1) : sample;
}

function mode(values: number[]): number {
  const counts = new Map<number, number>();
  let best = 0;
  let bestCount = 0;
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > bestCount || (c === bestCount && v > best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}
