/**
 * `etl convert` of the bench CSV to Parquet and back with `etl cat`, as a user runs them (the
 * workspace's `etl` bin, in child processes), compared row by row with csv-parse's reading of the
 * same CSV. The expected values are normalised here, by rules of this file's own (not the project's
 * casting code), into what `etl cat` prints: exact decimal text at the column's scale, timestamps
 * as ISO-8601 UTC with microseconds, blanks as null. Exits 1 on any difference.
 *
 *   npx nx run bench:round-trip                    # the 200 MiB bench CSV (1.4 M rows)
 *   npx nx run bench:round-trip -- --size-mb 50
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { benchCsvFile, benchDir } from './bench-csv.js';
import { BENCH_SCHEMA, BENCH_SCHEMA_CSV } from './csv-to-parquet/bench-schema.js';
import { option } from './bench-args.js';

type Expect = (raw: string) => string | number | boolean | null;

const text: Expect = (raw) => (raw === '' ? null : raw);
const integer: Expect = (raw) => (raw === '' ? null : Number(raw));
const timestamp: Expect = (raw) => {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z?$/.exec(raw);
  if (!m) throw new Error(`the bench CSV holds an unexpected timestamp: ${raw}`);
  return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(6, '0')}Z`;
};
const decimal4: Expect = (raw) => {
  const negative = raw.startsWith('-');
  const [whole = '', fraction = ''] = (negative ? raw.slice(1) : raw).split('.');
  if (fraction.length > 4) throw new Error(`the bench CSV holds a price with more than 4 places: ${raw}`);
  return `${negative ? '-' : ''}${BigInt(whole)}.${fraction.padEnd(4, '0')}`;
};
const boolean: Expect = (raw) => (raw === 'true' ? true : raw === 'false' ? false : raw); // anything else cannot match
const double: Expect = (raw) => Number(raw);

/** The bench schema's columns and how each CSV text reads back (BENCH_SCHEMA_CSV's types). */
const EXPECT: Record<string, Expect> = {
  invoice_no: text,
  stock_code: text,
  description: text,
  quantity: integer,
  invoice_date: timestamp,
  unit_price: decimal4,
  customer_id: integer,
  country: text,
  updated_at: timestamp,
  is_gift: boolean,
  discount_rate: double,
  product_name_ja: text,
};

/** Starts the workspace's `etl` (what `npx etl` runs); `exited` rejects unless it exits 0. */
function etl(args: string[], stdout: 'inherit' | 'pipe' = 'inherit'): { child: ChildProcess; exited: Promise<void> } {
  const child = spawn(process.execPath, [join(process.cwd(), 'node_modules', '.bin', 'etl'), ...args], {
    stdio: ['ignore', stdout, 'inherit'],
  });
  const exited = once(child, 'exit').then(([code]) => {
    if (code !== 0) throw new Error(`etl ${args[0]} exited with ${String(code)}`);
  });
  return { child, exited };
}

// A column added to the bench schema must get a rule here, or it would go unchecked.
const schemaColumns = BENCH_SCHEMA.fields.map((f) => f.name).join(',');
if (Object.keys(EXPECT).join(',') !== schemaColumns)
  throw new Error(`round-trip.ts checks ${Object.keys(EXPECT).join(',')}, the bench schema has ${schemaColumns}`);

const input = await benchCsvFile(Number(option('size-mb', '200')));
const dir = benchDir();
const schema = join(dir, 'bench-schema.csv');
const parquet = join(dir, 'round-trip.parquet');
writeFileSync(schema, BENCH_SCHEMA_CSV);

console.log(`round trip, ${new Date().toISOString().slice(0, 10)}, node ${process.version}: ${input}`);
console.log(`$ etl convert ${input} ${parquet} --schema ${schema}`);
await etl(['convert', input, parquet, '--schema', schema]).exited;
console.log(`$ etl cat ${parquet}   (compared with csv-parse's reading of the CSV)`);

const cat = etl(['cat', parquet], 'pipe');
const lines = createInterface({ input: cat.child.stdout as NodeJS.ReadableStream, crlfDelay: Infinity })[Symbol.asyncIterator]();
let rows = 0;
let differences = 0;
let withLineBreaks = 0;
let japanese = 0;
const differ = (message: string) => {
  if (differences++ < 10) console.log(`  ${message}`);
};
for await (const record of createReadStream(input).pipe(parse({ columns: true })) as AsyncIterable<Record<string, string>>) {
  rows++;
  const next = await lines.next();
  if (next.done) {
    differ(`etl cat ended before row ${rows}`);
    break;
  }
  const got = JSON.parse(next.value) as Record<string, unknown>;
  for (const [column, expect] of Object.entries(EXPECT)) {
    const want = expect(record[column] ?? '');
    if (got[column] !== want)
      differ(`row ${rows}, ${column}: expected ${JSON.stringify(want)}, etl cat printed ${JSON.stringify(got[column])}`);
  }
  if (record['description']?.includes('\n')) withLineBreaks++;
  if (/[^\u0020-\u007e]/.test(record['product_name_ja'] ?? '')) japanese++; // beyond printable ASCII
}
let extra = 0;
while (!(await lines.next()).done) extra++; // read to the end, or cat would block on a full pipe
if (extra > 0) differ(`etl cat printed ${extra} rows more than the CSV holds`);
await cat.exited;

console.log(
  `rows ${rows.toLocaleString('en')}, differences ${differences} (descriptions with line breaks ${withLineBreaks.toLocaleString('en')}, Japanese names ${japanese.toLocaleString('en')})`,
);
console.log(differences === 0 ? 'goal: every value round-trips exactly: ok' : 'goal: every value round-trips exactly: MISSED');
if (differences > 0) process.exitCode = 1;
