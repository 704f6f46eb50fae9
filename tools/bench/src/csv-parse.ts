/**
 * CSV parse speed: our `CsvParser` against csv-parse (the reference named in PERF-BASELINE.md) on the
 * same generated bench CSV, in one process run. Prints MB/s, rows/s and the ratio.
 *
 *   npx nx run bench:csv-parse                  # 200 MB
 *   npx nx run bench:csv-parse -- --size-mb 50
 */
import { parse } from 'csv-parse';
import { Readable } from 'node:stream';
import { CsvParser } from '@etl/csv';
import { benchCsv } from './bench-csv.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : (process.argv[i + 1] ?? fallback);
}

const sizeMb = Number(option('size-mb', '200'));
const chunks = [...benchCsv(sizeMb * 1024 * 1024)];
const bytes = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);

async function timeIt(name: string, run: () => Promise<number>) {
  const started = performance.now();
  const rows = await run();
  const seconds = (performance.now() - started) / 1000;
  return { name, rows, seconds, mbps: bytes / 1e6 / seconds, rowsPerSecond: rows / seconds };
}

const ours = await timeIt('@etl/csv CsvParser', async () => {
  let rows = 0;
  const parser = new CsvParser();
  const onRecord = () => void rows++;
  for (const chunk of chunks) parser.push(chunk, onRecord, () => undefined);
  parser.end(onRecord, () => undefined);
  return rows;
});

const reference = await timeIt('csv-parse (reference)', async () => {
  let rows = 0;
  for await (const _record of Readable.from(chunks).pipe(parse({ relax_quotes: true }))) rows++;
  return rows;
});

console.log(`\nCSV parse only, ${(bytes / 1e6).toFixed(0)} MB bench CSV, ${new Date().toISOString().slice(0, 10)}, node ${process.version}`);
console.log('parser                   rows        seconds  MB/s    rows/s');
for (const r of [ours, reference]) console.log(`${r.name.padEnd(24)} ${String(r.rows).padStart(10)}  ${r.seconds.toFixed(2).padStart(7)}  ${r.mbps.toFixed(1).padStart(6)}  ${Math.round(r.rowsPerSecond).toLocaleString('en-US').padStart(10)}`);
console.log(`ratio ours / csv-parse: ${(ours.mbps / reference.mbps).toFixed(2)}x`);
if (ours.rows !== reference.rows) {
  console.error(`row counts differ: ${ours.rows} vs ${reference.rows}`);
  process.exitCode = 1;
}
