/**
 * CSV parse speed: our `CsvParser`, alone and with the typed cast of every field (into column batches,
 * as the Parquet path does, and into row objects with `castStage`), against csv-parse (the reference
 * named in tools/bench/PERF-BASELINE.md) on the same generated bench CSV, in one process run. Prints MB/s, rows/s
 * and the ratios. Goal: parse + cast (column batches) at least 50 MB/s.
 *
 *   npx nx run bench:csv-parse                  # 200 MB
 *   npx nx run bench:csv-parse -- --size-mb 50
 */
import { parse } from 'csv-parse';
import { Readable } from 'node:stream';
import { CsvBatch, CsvParser } from '@etl/csv';
import { castColumns, castStage, columnCastPlan, planColumns, type ColumnCastPlan } from '@etl/schema';
import { benchCsv } from './bench-csv.js';
import { BENCH_SCHEMA } from './csv-to-parquet/bench-schema.js';
import { option } from './bench-args.js';

const sizeMb = Number(option('size-mb', '200'));
const chunks = [...benchCsv(sizeMb * 1024 * 1024)];
const bytes = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);

async function timeIt(name: string, run: () => Promise<number>) {
  const started = performance.now();
  const rows = await run();
  const seconds = (performance.now() - started) / 1000;
  return { name, rows, seconds, mbps: bytes / 1e6 / seconds, rowsPerSecond: rows / seconds };
}

const ours = await timeIt('CsvParser (spans)', async () => {
  let rows = 0;
  const parser = new CsvParser();
  let batch = new CsvBatch();
  for (const chunk of chunks) {
    batch = new CsvBatch(chunk, batch.first[batch.length]);
    parser.pushInto(chunk, batch, undefined, () => undefined);
    rows += batch.length;
  }
  const last = new CsvBatch();
  parser.endInto(last, undefined, () => undefined);
  return rows + last.length;
});

const oursStrings = await timeIt('CsvParser (strings)', async () => {
  let rows = 0;
  const parser = new CsvParser();
  const onRecord = () => void rows++;
  for (const chunk of chunks) parser.push(chunk, onRecord, () => undefined);
  parser.end(onRecord, () => undefined);
  return rows;
});

// The bench CSV's columns, typed as a pipeline would declare them (shared with csv-to-parquet).
const schema = BENCH_SCHEMA;

const oursCast = await timeIt('CsvParser + castStage', async () => {
  let rows = 0;
  let rejected = 0;
  let columns: string[] = [];
  let header = true;
  const cast = castStage({ schema, columns: () => columns });
  const parser = new CsvParser();
  const onRecord = (fields: string[], line: number) => {
    if (header) {
      columns = fields;
      header = false;
      return;
    }
    try {
      cast.process({ fields, line });
      rows++;
    } catch {
      rejected++;
    }
  };
  for (const chunk of chunks) parser.push(chunk, onRecord, () => undefined);
  parser.end(onRecord, () => undefined);
  if (rejected > 0) throw new Error(`${rejected} bench rows failed to cast`);
  return rows + 1;
});

const oursColumns = await timeIt('CsvParser + castColumns', async () => {
  let rows = 0;
  let plan: ColumnCastPlan | undefined;
  const parser = new CsvParser();
  // The header is the first record: it names the columns and leaves the batch.
  const onRecord = (batch: CsvBatch) => {
    if (plan) return;
    plan = columnCastPlan(planColumns(schema, batch.fields(0)));
    batch.dropLast();
  };
  const cast = (batch: CsvBatch) => {
    const { batch: typed, rejects } = castColumns(plan as ColumnCastPlan, batch);
    if (rejects.length > 0) throw rejects[0];
    rows += typed.length;
  };
  let batch = new CsvBatch();
  for (const chunk of chunks) {
    batch = new CsvBatch(chunk, batch.first[batch.length]);
    parser.pushInto(chunk, batch, onRecord, () => undefined);
    cast(batch);
  }
  batch = new CsvBatch();
  parser.endInto(batch, onRecord, () => undefined);
  cast(batch);
  return rows + 1;
});
const reference = await timeIt('csv-parse (reference)', async () => {
  let rows = 0;
  for await (const _record of Readable.from(chunks).pipe(parse({ relax_quotes: true }))) rows++;
  return rows;
});

console.log(
  `\nCSV parse only, ${(bytes / 1e6).toFixed(0)} MB bench CSV, ${new Date().toISOString().slice(0, 10)}, node ${process.version}`,
);
console.log('parser                     rows        seconds  MB/s    rows/s');
for (const r of [ours, oursStrings, oursColumns, oursCast, reference])
  console.log(
    `${r.name.padEnd(26)} ${String(r.rows).padStart(10)}  ${r.seconds.toFixed(2).padStart(7)}  ${r.mbps.toFixed(1).padStart(6)}  ${Math.round(r.rowsPerSecond).toLocaleString('en-US').padStart(10)}`,
  );
console.log(
  `ratio ours / csv-parse: ${(ours.mbps / reference.mbps).toFixed(2)}x parse only, ${(oursColumns.mbps / reference.mbps).toFixed(2)}x with casting`,
);
console.log(`goal parse + cast >= 50 MB/s: ${oursColumns.mbps >= 50 ? 'ok' : 'MISSED'}`);
if (oursColumns.mbps < 50) process.exitCode = 1;
if (ours.rows !== reference.rows) {
  console.error(`row counts differ: ${ours.rows} vs ${reference.rows}`);
  process.exitCode = 1;
}
