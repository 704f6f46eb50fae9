import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectEncoding, ICU_TRUSTED_FROM } from './detect.js';
import { icuGuess } from './icu-guess.js';
import { detectByPlausibility } from './plausibility.js';

/**
 * Accuracy of the three detectors (ours = the plausibility ranking alone, ICU = npm `chardet`, and
 * the combined `detectEncoding`) on every labelled file of the corpora in test-data/. The tables are
 * printed in the form the README's measurements take. "Right" means the text decoded with the detected
 * encoding equals the text decoded with the labelled one (ISO-8859-1 and windows-1252 agree on most files).
 */

const testData = (path: string) => readFileSync(new URL(`../test-data/${path}`, import.meta.url));

/** uchardet's charset names (its file names) as WHATWG labels; the others are WHATWG labels already. */
const UCHARDET_WHATWG: Record<string, string> = {
  ascii: 'utf-8',
  'iso-8859-1': 'windows-1252',
  'iso-8859-9': 'windows-1254',
  'iso-8859-11': 'windows-874',
  'tis-620': 'windows-874',
  'mac-cyrillic': 'x-mac-cyrillic',
  uhc: 'euc-kr',
};

interface LabelledFile {
  path: string;
  expected: string;
  bytes: Buffer;
}

function uchardetFiles(): LabelledFile[] {
  return rows(testData('uchardet-tests/FILES.tsv').toString('utf8')).map(([path, charset]) => ({
    path: `uchardet-tests/${path}`,
    expected: UCHARDET_WHATWG[charset] ?? charset,
    bytes: testData(`uchardet-tests/${path}`),
  }));
}

function expectedFiles(folder: string): LabelledFile[] {
  return rows(testData(`${folder}/EXPECTED.tsv`).toString('utf8')).map(([path, expected]) => ({
    path: `${folder}/${path}`,
    expected,
    bytes: testData(`${folder}/${path}`),
  }));
}

function rows(tsv: string): Array<[string, string]> {
  return tsv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t') as [string, string]);
}

function decode(bytes: Uint8Array, label: string): string | undefined {
  // The corpus's `utf-16` files carry a BOM, which says which one.
  const resolved = label === 'utf-16' ? (bytes[0] === 0xfe ? 'utf-16be' : 'utf-16le') : label;
  try {
    return new TextDecoder(resolved, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** A file is a fair target when Node's decoder for its label reads it without a replacement character. */
const attempted = (file: LabelledFile) => decode(file.bytes, file.expected) !== undefined;

function decodedLike(bytes: Uint8Array, detected: string | undefined, expected: string): boolean {
  if (detected === undefined) return false;
  const want = new TextDecoder(expected === 'utf-16' ? (bytes[0] === 0xfe ? 'utf-16be' : 'utf-16le') : expected).decode(bytes);
  try {
    return new TextDecoder(detected).decode(bytes) === want;
  } catch {
    return false;
  }
}

/** Row key: the label, with UTF-16 split by whether a BOM says it. */
function group(file: LabelledFile): string {
  if (!file.expected.startsWith('utf-16')) return file.expected;
  const bom = (file.bytes[0] === 0xff && file.bytes[1] === 0xfe) || (file.bytes[0] === 0xfe && file.bytes[1] === 0xff);
  return bom ? 'utf-16 (BOM)' : `${file.expected} (no BOM)`;
}

interface Outcome {
  file: LabelledFile;
  sample: Uint8Array;
  ours: string;
  icu: { name: string; encoding: string | undefined; confidence: number } | undefined;
  combined: { encoding: string; confidence: number };
  oursRight: boolean;
  icuRight: boolean;
  combinedRight: boolean;
}

function run(file: LabelledFile, sample: Uint8Array): Outcome {
  const ours = detectByPlausibility(sample).encoding;
  const icu = icuGuess(sample);
  const combined = detectEncoding(sample);
  return {
    file,
    sample,
    ours,
    icu,
    combined,
    oursRight: decodedLike(sample, ours, file.expected),
    icuRight: decodedLike(sample, icu?.encoding, file.expected),
    combinedRight: decodedLike(sample, combined.encoding, file.expected),
  };
}

interface Rates {
  files: number;
  ours: number;
  icu: number;
  combined: number;
}

function ratesByGroup(outcomes: Outcome[]): Map<string, Rates> {
  const rates = new Map<string, Rates>();
  for (const o of outcomes) {
    const key = group(o.file);
    const r = rates.get(key) ?? { files: 0, ours: 0, icu: 0, combined: 0 };
    r.files++;
    if (o.oursRight) r.ours++;
    if (o.icuRight) r.icu++;
    if (o.combinedRight) r.combined++;
    rates.set(key, r);
  }
  return new Map([...rates].sort(([a], [b]) => a.localeCompare(b)));
}

const percent = (right: number, of: number) => `${Math.round((100 * right) / of)}%`;

function table(title: string, outcomes: Outcome[]): string {
  const lines = [`${title}`, '', '| encoding | files | ours | chardet | combined |', '| --- | --- | --- | --- | --- |'];
  for (const [key, r] of ratesByGroup(outcomes)) {
    const cell = (right: number) => `${right} (${percent(right, r.files)})`;
    lines.push(`| ${key} | ${r.files} | ${cell(r.ours)} | ${cell(r.icu)} | ${cell(r.combined)} |`);
  }
  const total = outcomes.length;
  const count = (f: (o: Outcome) => boolean) => outcomes.filter(f).length;
  lines.push(
    `| **all** | ${total} | ${count((o) => o.oursRight)} (${percent(
      count((o) => o.oursRight),
      total,
    )}) | ${count((o) => o.icuRight)} (${percent(
      count((o) => o.icuRight),
      total,
    )}) | ${count((o) => o.combinedRight)} (${percent(
      count((o) => o.combinedRight),
      total,
    )}) |`,
  );
  return lines.join('\n');
}

const misses = (outcomes: Outcome[]) =>
  outcomes
    .filter((o) => !o.combinedRight)
    .map((o) => `\`${o.file.path}\` (${o.file.expected}) -> ${o.combined.encoding}`)
    .join('\n  ');

const FOUR_KIB = 4096;

/** The encodings the detector names (the README's list); the corpora hold others (Baltic, ISO-8859-3, …). */
const NAMED = [
  'utf-8',
  'utf-16',
  'shift_jis',
  'euc-jp',
  'iso-2022-jp',
  'gb18030',
  'big5',
  'euc-kr',
  'windows-1252',
  'iso-8859-15',
  'windows-1250',
  'iso-8859-2',
  'windows-1251',
  'koi8-r',
  'iso-8859-5',
  'ibm866',
  'x-mac-cyrillic',
  'windows-1253',
  'windows-1254',
  'windows-1255',
  'windows-1256',
  'iso-8859-6',
  'windows-1258',
  'windows-874',
];

const isNamed = (o: Outcome) => NAMED.includes(o.file.expected.replace(/^utf-16.*/, 'utf-16'));

/** The encodings the issue names, each held to 95% of its files by the combined detector. */
const GATED = ['gb18030', 'euc-kr', 'windows-1251', 'shift_jis', 'euc-jp', 'iso-2022-jp', 'utf-16be (no BOM)', 'utf-16le (no BOM)'];

/**
 * Short samples for the trust table: from each line start of every non-UTF legacy file, up to 4 KiB
 * (a line feed is a character boundary in every ASCII-compatible encoding). Ten per file at most.
 */
function lineWindows(files: LabelledFile[]): Array<[LabelledFile, Uint8Array]> {
  const windows: Array<[LabelledFile, Uint8Array]> = [];
  for (const file of files) {
    if (file.expected.startsWith('utf-') || file.expected === 'iso-2022-jp') continue;
    const starts = [0];
    for (let i = 0; i < file.bytes.length - 1 && starts.length < 10; i++) if (file.bytes[i] === 0x0a) starts.push(i + 1);
    for (const start of starts) {
      const window = file.bytes.subarray(start, start + FOUR_KIB);
      if (window.some((byte) => byte >= 0x80) && window.length >= 32) windows.push([file, window]);
    }
  }
  return windows;
}

describe('encoding detection on the corpora in test-data', () => {
  const all = [...uchardetFiles(), ...expectedFiles('duckdb-encodings'), ...expectedFiles('cpython-cjkencodings')];
  const files = all.filter(attempted);
  const whole = files.map((file) => run(file, file.bytes));
  const cut = files.map((file) => run(file, file.bytes.subarray(0, FOUR_KIB)));

  it('measures ours, chardet and the combination per encoding, and lists what was not attempted', () => {
    const notAttempted = all.filter((file) => !attempted(file)).map((file) => `${file.path} (${file.expected})`);
    const inNamed = (outcomes: Outcome[]) => {
      const named = outcomes.filter(isNamed);
      const right = (f: (o: Outcome) => boolean) => `${named.filter(f).length}`;
      return `in the encodings it names: ${named.length} files, ours ${right((o) => o.oursRight)}, chardet ${right((o) => o.icuRight)}, combined ${right((o) => o.combinedRight)}`;
    };
    console.log(
      `${table('Whole files', whole)}\n\n${inNamed(whole)}\nmisses of the combination:\n  ${misses(whole)}\n\n` +
        `${table(`Files cut to ${FOUR_KIB} bytes`, cut)}\n\n${inNamed(cut)}\nmisses:\n  ${misses(cut)}\n\n` +
        `not attempted (no decoder in Node 20, or Node's decoder for the label cannot read it): ${notAttempted.join(', ')}`,
    );
    expect(files.length).toBeGreaterThan(150);
  });

  it.each(GATED)('names %s right in at least 95% of its files, whole and cut to 4 KiB', (key) => {
    for (const outcomes of [whole, cut]) {
      const ofKey = outcomes.filter((o) => group(o.file) === key);
      expect(ofKey.length, key).toBeGreaterThan(0);
      const right = ofKey.filter((o) => o.combinedRight).length;
      expect(right / ofKey.length, misses(ofKey.filter((o) => !o.combinedRight))).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('is right on at least 95% of the files in the encodings it names, and on more files than either detector alone', () => {
    for (const outcomes of [whole, cut]) {
      const named = outcomes.filter(isNamed);
      const right = (f: (o: Outcome) => boolean) => named.filter(f).length;
      expect(named.length).toBeGreaterThan(140);
      expect(right((o) => o.combinedRight) / named.length).toBeGreaterThanOrEqual(0.95);
      expect(right((o) => o.combinedRight)).toBeGreaterThan(right((o) => o.oursRight));
      expect(right((o) => o.combinedRight)).toBeGreaterThan(right((o) => o.icuRight));
    }
  });

  it('keeps ours where ours is better: no encoding loses a file ours named right, whole or cut', () => {
    for (const outcomes of [whole, cut]) {
      const lost = outcomes.filter((o) => o.oursRight && !o.combinedRight).map((o) => `${o.file.path} -> ${o.combined.encoding}`);
      expect(lost).toEqual([]);
    }
  });

  it("trusts ICU's answers only where they were right at least as often as ours (line windows of the legacy files)", () => {
    const outcomes = lineWindows(files).map(([file, window]) => run(file, window));
    const lines = ['| ICU names | from confidence | samples | ICU right | ours right |', '| --- | --- | --- | --- | --- |'];
    for (const [name, from] of Object.entries(ICU_TRUSTED_FROM)) {
      const named = outcomes.filter((o) => o.icu?.name === name && o.icu.confidence >= (from as number));
      const icuRight = named.filter((o) => o.icuRight).length;
      const oursRight = named.filter((o) => o.oursRight).length;
      lines.push(`| ${name} | ${from} | ${named.length} | ${icuRight} | ${oursRight} |`);
      expect(named.length, name).toBeGreaterThan(0);
      expect(icuRight, `${name}: ICU ${icuRight} right, ours ${oursRight}`).toBeGreaterThanOrEqual(oursRight);
    }
    const lost = outcomes.filter((o) => o.oursRight && !o.combinedRight).map((o) => `${o.file.path} -> ${o.combined.encoding}`);
    console.log(
      `${outcomes.length} line windows of the legacy files (up to 4 KiB)\n${lines.join('\n')}\n\n${table('Line windows', outcomes)}\n\n` +
        `windows ours named right and the combination not: ${lost.length ? lost.join(', ') : 'none'}`,
    );
  });

  it('gives right answers a higher confidence than wrong ones', () => {
    const outcomes = [...whole, ...cut].filter((o) => o.combined.confidence < 1);
    const mean = (list: Outcome[]) => list.reduce((sum, o) => sum + o.combined.confidence, 0) / list.length;
    const right = mean(outcomes.filter((o) => o.combinedRight));
    const wrong = mean(outcomes.filter((o) => !o.combinedRight));
    console.log(`mean confidence below 1: right ${right.toFixed(2)}, wrong ${wrong.toFixed(2)}`);
    expect(right).toBeGreaterThan(wrong + 0.1);
  });
});
