/**
 * A 2 GB CSV whose second record opens a quote that never closes, streamed (never stored) through
 * the CSV reader with its default guard: prints the rejects with their lines and the peak RSS.
 * Goal: a clear reject naming line 2, and memory that stays flat (no growth past the guard).
 *
 *   npx nx run bench:csv-runaway-quote                 # 2 GB
 *   npx nx run bench:csv-runaway-quote -- --size-mb 256
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { peakRssBytes, createRunContext, createLogger, countingRejects } from '@etl/core';
import { csvReader, type CsvBatch } from '@etl/csv';
import { option } from './bench-args.js';

const totalBytes = Number(option('size-mb', '2048')) * 1024 * 1024;
const line = `${'x'.repeat(60)},${'y'.repeat(60)}\n`;
const block = Buffer.from(line.repeat(8192));

async function* runaway(): AsyncGenerator<Buffer> {
  yield Buffer.from('id,text\n1,"this quote never closes\n');
  for (let sent = 0; sent < totalBytes; sent += block.length) yield block;
}

const rejects = countingRejects();
const ctx = createRunContext({
  jobName: 'bench',
  logger: createLogger({ runId: 'bench', jobName: 'bench', level: 'warn', destination: process.stderr }),
  rejects,
});
let records = 0;
const started = performance.now();
await pipeline(Readable.from(runaway()), csvReader(ctx, { file: 'runaway.csv' }), async (batches: AsyncIterable<CsvBatch>) => {
  for await (const batch of batches) records += batch.length;
});
const seconds = (performance.now() - started) / 1000;
console.log(
  `\nrunaway quote, ${(totalBytes / 1024 / 1024).toFixed(0)} MiB, ${new Date().toISOString().slice(0, 10)}, node ${process.version}`,
);
console.log(
  `records ${records}, rejects ${rejects.count}, ${seconds.toFixed(1)} s, ${(totalBytes / 1e6 / seconds).toFixed(0)} MB/s, peak RSS ${(peakRssBytes() / 1024 / 1024).toFixed(0)} MiB`,
);
for (const reject of rejects.samples) console.log(`  ${reject.code} line ${reject.line}: ${reject.reason}`);
const ok = rejects.samples.some((r) => r.line === 2) && peakRssBytes() < 256 * 1024 * 1024;
console.log(`goal: reject naming line 2, peak RSS < 256 MiB: ${ok ? 'ok' : 'MISSED'}`);
if (!ok) process.exitCode = 1;
