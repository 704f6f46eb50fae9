/**
 * Time to detect the encoding of a 64 KiB sample (what `decodeStream` and `etl sniff` pass) and of a
 * 1 MiB one, before (this package's plausibility ranking alone, the detector before ICU's was added)
 * and after (`detectEncoding`), and ICU's detector alone on the first 64 KiB (what `detectEncoding` gives it
 * for a sample that is not UTF-8). Prints a Markdown table; asserts nothing (figures are never asserted).
 * Run: `npx nx run encoding:detect-speed`.
 */
import { readFileSync } from 'node:fs';
import { detectEncoding } from '../src/detect.js';
import { icuGuess } from '../src/icu-guess.js';
import { detectByPlausibility } from '../src/plausibility.js';

const INPUTS = [
  ['Shift_JIS CSV', 'duckdb-encodings/shift_jis.csv'],
  ['GBK text', 'cpython-cjkencodings/gbk.txt'],
  ['EUC-KR text', 'cpython-cjkencodings/euc_kr.txt'],
  ['windows-1251 text', 'uchardet-tests/ru/windows-1251.txt'],
  ['windows-1250 text', 'uchardet-tests/pl/windows-1250.txt'],
  ['Latin-1 CSV', 'duckdb-encodings/latin1.csv'],
  ['UTF-8 text', 'uchardet-tests/ja/utf-8.txt'],
] as const;

const KIB = 1024;
const MIB = 1024 * KIB;

/** A file repeated to `size` bytes, cut at a line end so that no character is split. */
function repeated(path: string, size: number): Buffer {
  const file = readFileSync(new URL(`../test-data/${path}`, import.meta.url));
  const out = Buffer.alloc(size + file.length);
  let length = 0;
  while (length < size) length += file.copy(out, length);
  return out.subarray(0, out.lastIndexOf(0x0a, size - 1) + 1);
}

function millis(detect: (sample: Uint8Array) => { encoding: string }, sample: Uint8Array): [number, string] {
  const start = process.hrtime.bigint();
  const { encoding } = detect(sample);
  return [Number(process.hrtime.bigint() - start) / 1e6, encoding];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

// Runs of before and after alternate, so that a busy neighbour on the machine slows both alike.
function measure(sample: Uint8Array, runs: number) {
  const before: number[] = [];
  const after: number[] = [];
  const icu: number[] = [];
  let names: [string, string] = ['', ''];
  for (let run = 0; run < runs; run++) {
    const [b, nameBefore] = millis(detectByPlausibility, sample);
    const [a, nameAfter] = millis(detectEncoding, sample);
    const [i] = millis((bytes) => ({ encoding: icuGuess(bytes)?.name ?? '' }), sample.subarray(0, 64 * KIB));
    before.push(b);
    after.push(a);
    icu.push(i);
    names = [nameBefore, nameAfter];
  }
  return { before: median(before), after: median(after), icu: median(icu), names };
}

for (const [, path] of INPUTS) measure(repeated(path, 64 * KIB), 2); // JIT warm-up

const lines = [
  '| input | sample | before ms | after ms | after/before | ICU alone ms | named before -> after |',
  '| --- | --- | --- | --- | --- | --- | --- |',
];
for (const [size, runs, label] of [
  [64 * KIB, 7, '64 KiB'],
  [MIB, 1, '1 MiB'],
] as const) {
  for (const [name, path] of INPUTS) {
    const { before, after, icu, names } = measure(repeated(path, size), runs);
    lines.push(
      `| ${name} | ${label} | ${before.toFixed(1)} | ${after.toFixed(1)} | ${(after / before).toFixed(2)} | ${icu.toFixed(1)} | ${names[0]} -> ${names[1]} |`,
    );
    console.log(lines.at(-1));
  }
}
console.log(`\n${new Date().toISOString().slice(0, 10)}, Node ${process.version}\n${lines.join('\n')}`);
