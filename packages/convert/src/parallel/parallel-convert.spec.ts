import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { countingRejects, createLogger, createRunContext, seededRandom, type RunContext } from '@etl/core';
import { createObjectStore } from '@etl/object-store';
import { bytesFile, ParquetFile } from '@etl/parquet';
import { parseSchemaCsv, rowsOf, type ColumnFacts, type Schema } from '@etl/schema';
import { describe, expect, it } from 'vitest';
import { convert, openRows, type ConvertOptions } from '../index.js';
import { ChunkWorkers } from './chunk-workers.js';
import { parallelCsvChunks } from './parallel-csv.js';
import { defaultThreads, quotaCpus } from './threads.js';
import { chunkWorkerUrl } from './worker-url.js';

const schema = parseSchemaCsv(`column_name,data_type,nullable
id,bigint,false
qty,int
small,smallint
price,"decimal(12,4)"
rate,double
gift,boolean
day,date
at,timestamp
atz,timestamptz
name,varchar(40)
note,varchar(400)
`);

interface Dialect {
  delimiter: string;
  newline: string;
  bom: boolean;
  header: boolean;
  skipLines: number;
  /** Read as (default utf-8, cut as bytes); another encoding is decoded on the main thread and cut as text. */
  encoding?: string;
  /** null: no quoting (cut as text). */
  quote?: null;
}

/** Bad values now and then, so casts reject; otherwise values of each type, nulls as empty fields. */
function value(random: () => number, column: string, row: number, d: Dialect): string {
  const bad = random() < 0.02;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  if (column !== 'id' && random() < 0.08) return '';
  switch (column) {
    case 'id':
      return String(row);
    case 'qty':
      return bad ? 'x1' : String(Math.floor(random() * 2e9) - 1e9);
    case 'small':
      return bad ? '40000' : String(Math.floor(random() * 60000) - 30000);
    case 'price':
      return bad ? '1.2.3' : (random() * 1e6 - 5e5).toFixed(Math.floor(random() * 5));
    case 'rate':
      return bad ? 'nan?' : String(random() * 10 ** (Math.floor(random() * 10) - 5));
    case 'gift':
      return bad ? 'maybe' : random() < 0.5 ? 'true' : 'false';
    case 'day':
      return bad
        ? '2026-02-30'
        : `${1990 + Math.floor(random() * 50)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
    case 'at':
    case 'atz': {
      const fraction = pick(['', '.5', '.123456', '.042']);
      const zone = column === 'atz' ? pick(['Z', '+09:00', '']) : '';
      return bad
        ? '2026-13-01 00:00:00'
        : `${2000 + Math.floor(random() * 30)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}${pick([' ', 'T'])}0${Math.floor(random() * 10)}:1${Math.floor(random() * 6)}:2${Math.floor(random() * 10)}${fraction}${zone}`;
    }
    case 'name':
      return pick(['plain', 'ハート', '5" pipe', `with${d.delimiter}delim`, 'x'.repeat(41), ' edge ', 'naïve']);
    default: {
      const words = Array.from({ length: 1 + Math.floor(random() * 30) }, () =>
        pick(['a', 'bb', 'ccc', '"q"', d.delimiter, '\n', '\r\n', 'é']),
      );
      return words.join(' ');
    }
  }
}

/** CSV field as a writer would quote it (or, now and then, leniently: a quote inside an unquoted field). */
function field(text: string, d: Dialect): string {
  const needs = text.includes(d.delimiter) || text.includes('"') || text.includes('\n') || text.includes('\r');
  if (!needs) return text;
  if (!text.includes(d.delimiter) && !text.includes('\n') && !text.includes('\r') && !text.startsWith('"')) return text; // 5" pipe
  return `"${text.replaceAll('"', '""')}"`;
}

/** A random CSV file in the dialect: bad values, ragged rows, blank lines, bad bytes, a runaway quote now and then. */
function randomCsv(seed: number, rows: number, d: Dialect): Buffer {
  const random = seededRandom(seed);
  const names = schema.fields.map((f) => f.name);
  const parts: Buffer[] = [];
  if (d.bom) parts.push(Buffer.from([0xef, 0xbb, 0xbf]));
  for (let i = 0; i < d.skipLines; i++) parts.push(Buffer.from(`# note ${i}, "unbalanced${d.newline}`));
  if (d.header) parts.push(Buffer.from(names.join(d.delimiter) + d.newline));
  for (let r = 1; r <= rows; r++) {
    if (random() < 0.03) parts.push(Buffer.from(d.newline));
    const fields = names.map((c) => field(value(random, c, r, d), d));
    // (Without a header the sniff counts the columns: an extra field early on would make it one more.)
    if (d.header && random() < 0.02) fields.push('extra');
    if (random() < 0.02) fields.pop();
    const line = fields.join(d.delimiter);
    if (random() < 0.01) {
      const cut = line.indexOf(d.delimiter);
      parts.push(Buffer.from(line.slice(0, cut + 1)), Buffer.from([0xff, 0xfe]), Buffer.from(line.slice(cut + 1) + d.newline));
    } else parts.push(Buffer.from(line + d.newline));
  }
  if (seed % 3 === 0) parts.push(Buffer.from(`${rows + 1}${d.delimiter}"never closed${d.newline}1,2,3${d.newline}`));
  return Buffer.concat(parts);
}

function context(): RunContext & { rejects: ReturnType<typeof countingRejects> } {
  return createRunContext({
    jobName: 'parallel-test',
    logger: createLogger({ runId: 't', jobName: 'parallel-test', level: 'silent' as never }),
    rejects: countingRejects(1_000_000),
  }) as RunContext & { rejects: ReturnType<typeof countingRejects> };
}

const dir = mkdtempSync(join(tmpdir(), 'parallel-convert-'));
let files = 0;

/** A conversion's whole outcome: the rows read back, the rejects (in line order), the counts. */
async function outcome(input: string, options: Partial<ConvertOptions>): Promise<unknown> {
  const ctx = context();
  const output = join(dir, `out-${files++}.parquet`);
  let report;
  try {
    report = await convert(createObjectStore(), { input, output, schema, ...options }, ctx);
  } catch (error) {
    return { error: (error as Error).message };
  }
  const file = await ParquetFile.open(bytesFile(readFileSync(output), output));
  const rows: unknown[] = [];
  for await (const batch of file.batches()) rows.push(...batch.rows);
  const rejects = ctx.rejects.samples
    .map(({ code, line, column, offset, raw, reason, stage, message, lines }) => ({
      code,
      line,
      column,
      offset,
      raw,
      reason,
      stage,
      message,
      lines,
    }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.code.localeCompare(b.code) || String(a.column).localeCompare(String(b.column)));
  const { rowsRead, rowsWritten, rowsRejected } = report;
  return { rows, rejects, rowsRead, rowsWritten, rowsRejected, rowGroups: file.rowGroups.length > 0 };
}

/** Rejects in line order (parse and cast rejects of one stretch of the file arrive in stage order on threads). */
function sortedRejects(ctx: ReturnType<typeof context>): Array<{ code: string; line?: number; column?: string | number; reason: string }> {
  return ctx.rejects.samples
    .map(({ code, line, column, reason }) => ({ code, line, column, reason }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.code.localeCompare(b.code) || String(a.column).localeCompare(String(b.column)));
}

const DIALECTS: Dialect[] = [
  { delimiter: ',', newline: '\n', bom: false, header: true, skipLines: 0 },
  { delimiter: ',', newline: '\r\n', bom: true, header: true, skipLines: 0 },
  { delimiter: ';', newline: '\r', bom: false, header: true, skipLines: 2 },
  { delimiter: '\t', newline: '\n', bom: true, header: false, skipLines: 0 },
  { delimiter: '|', newline: '\r\n', bom: false, header: false, skipLines: 1 },
  // UTF-8 bytes read as Shift_JIS: decoded on the main thread, many bad bytes.
  { delimiter: ',', newline: '\n', bom: false, header: true, skipLines: 0, encoding: 'shift_jis' },
  { delimiter: ';', newline: '\r\n', bom: false, header: true, skipLines: 0, quote: null },
];

describe('convert on worker threads (threads > 1)', () => {
  it.each(DIALECTS.map((d, i) => [i, d] as const))(
    'writes the rows, rejects (exact lines) and counts of one thread at 2 and 4, chunks cut everywhere (dialect %i)',
    async (i, d) => {
      for (const seed of [1 + i * 10, 3 + i * 10]) {
        const input = join(dir, `in-${seed}.csv`);
        writeFileSync(input, randomCsv(seed, 150, d));
        const read: Partial<ConvertOptions> = {
          delimiter: d.delimiter,
          header: d.header,
          ...(d.skipLines ? { skipLines: d.skipLines } : {}),
          encoding: d.encoding ?? 'utf-8',
          ...(d.quote === null ? { quote: null } : {}),
        };
        const one = await outcome(input, { ...read, threads: 1 });
        expect(one).toMatchObject({ rowGroups: true });
        for (const [threads, chunkChars, chunksInFlight] of [
          [2, 1, 1],
          [4, 97, 3],
          [2, 2000, 8],
        ] as const) {
          expect(
            await outcome(input, { ...read, threads, chunkChars, chunksInFlight }),
            `seed ${seed}, ${threads} threads, chunks of ${chunkChars}`,
          ).toEqual(one);
        }
      }
    },
    120_000,
  );

  it('CSV out on threads (COPY staging: text limits, facts, keys, gzipped parts): byte for byte the one thread', async () => {
    const limits = { maxBytes: 30, refuseNul: true, destination: 'the test' };
    for (const [i, d] of DIALECTS.entries()) {
      const input = join(dir, `staging-${i}.csv`);
      let k = 0; // a NUL now and then (not so many that the file reads as binary)
      const text = randomCsv(40 + i, 300, d).toString('latin1');
      writeFileSync(
        input,
        Buffer.from(
          text.replace(/ccc/g, (ccc) => (k++ % 20 === 0 ? 'c\0c' : ccc)),
          'latin1',
        ),
      );
      const run = async (threads: number, chunkChars: number) => {
        const ctx = context();
        const keys: unknown[] = [];
        let rowsSeen = 0;
        const report = await convert(
          createObjectStore(),
          {
            input,
            output: join(mkdtempSync(join(dir, 'parts-')), 'part-{part}.csv.gz'),
            schema,
            delimiter: d.delimiter,
            header: d.header,
            ...(d.skipLines ? { skipLines: d.skipLines } : {}),
            encoding: d.encoding ?? 'utf-8',
            ...(d.quote === null ? { quote: null } : {}),
            writeHeader: false,
            nullMarker: '\\N',
            trimFractionZeros: true,
            partBytes: 4000,
            textLimits: limits,
            facts: true,
            keys: (out: Schema) => ({
              columns: [out.fields.findIndex((f) => f.name === 'id'), out.fields.findIndex((f) => f.name === 'name')],
              onKeys: (batch) => keys.push(...rowsOf(batch)),
            }),
            onRows: (rows) => (rowsSeen = rows),
            threads,
            chunkChars,
          },
          ctx,
        );
        expect(report.threads).toBe(threads); // on the threads asked for, not one quietly
        // Parts are cut between the encoder's pieces, which follow the batches: other places on threads.
        const text = report.outputs.map((part) => gunzipSync(readFileSync(new URL(part))).toString('utf8')).join('');
        const { rowsRead, rowsWritten, rowsRejected, facts } = report;
        return { text, rejects: sortedRejects(ctx), keys, rowsSeen, facts, rowsRead, rowsWritten, rowsRejected };
      };
      const one = await run(1, 8 * 1024 * 1024);
      expect(one.rejects.filter((r) => r.code === 'TOO_LARGE').length, `dialect ${i}`).toBeGreaterThan(0);
      expect(one.rejects.filter((r) => r.code === 'REJECTED_BY_TARGET').length, `dialect ${i}`).toBeGreaterThan(0);
      expect(one.keys.length).toBe(one.rowsWritten);
      expect(one.rowsSeen).toBe(one.rowsWritten);
      expect((one.facts as ColumnFacts).bytes.some((b) => b > 0)).toBe(true);
      for (const [threads, chunkChars] of [
        [2, 1],
        [3, 500],
      ] as const)
        expect(await run(threads, chunkChars), `dialect ${i}, ${threads} threads, chunks of ${chunkChars}`).toEqual(one);
    }
  }, 120_000);

  it('numbers the rows in file order: 1 … n on one thread, increasing by chunk on threads, the rest the same', async () => {
    const input = join(dir, 'numbered.csv');
    writeFileSync(input, randomCsv(5, 400, DIALECTS[0] as Dialect));
    const run = async (threads: number) => {
      const output = join(dir, `numbered-${threads}.csv`);
      await convert(
        createObjectStore(),
        { input, output, schema, rowNumberColumn: 'n', threads, chunkChars: 600, encoding: 'utf-8' },
        context(),
      );
      const ctx = context();
      const written = await openRows(createObjectStore(), output, 'csv', {
        ctx,
        header: true,
        schema: {
          fields: [
            ...schema.fields.map((f) => ({ ...f, type: { kind: 'string' as const }, nullable: true })),
            { name: 'n', type: { kind: 'bigint' }, nullable: false },
          ],
        },
      });
      const rows: unknown[][] = [];
      for await (const batch of written.batches()) rows.push(...batch);
      expect(ctx.rejects.count).toBe(0);
      return rows;
    };
    const one = await run(1);
    const two = await run(2);
    expect(one.map((r) => r.at(-1))).toEqual(one.map((_, i) => BigInt(i + 1)));
    const numbers = two.map((r) => r.at(-1) as bigint);
    expect(numbers.every((n, i) => i === 0 || n > (numbers[i - 1] as bigint))).toBe(true);
    expect(numbers.some((n) => n > 2n ** 32n)).toBe(true); // numbered by chunk
    expect(two.map((r) => r.slice(0, -1))).toEqual(one.map((r) => r.slice(0, -1)));
  }, 60_000);

  it('reads a record longer than a chunk by more than the parser bound as a stream on one worker: same rows and rejects', async () => {
    // maxRecordChars is fixed at 16 Mi: a runaway quote of 17 Mi characters with records on both sides.
    const text = `id,name\n1,a\n2,"${'x'.repeat(17 * 1024 * 1024)}\n3,b\n4,c"\n5,d\n6,e\n`;
    const input = join(dir, 'runaway.csv');
    writeFileSync(input, text);
    const small = parseSchemaCsv('column_name,data_type\nid,int\nname,varchar(10)\n');
    const run = async (threads: number) => {
      const ctx = context();
      const output = join(dir, `runaway-${threads}.parquet`);
      const report = await convert(createObjectStore(), { input, output, schema: small, threads, chunkChars: 1024 }, ctx);
      const file = await ParquetFile.open(bytesFile(readFileSync(output), output));
      const rows: unknown[] = [];
      for await (const batch of file.batches()) rows.push(...batch.rows);
      return { rows, rejects: ctx.rejects.samples.map((r) => [r.code, r.line, r.lines]), read: report.rowsRead };
    };
    const one = await run(1);
    expect(one.rejects).toEqual([['TOO_LARGE', 3, 3]]);
    expect(await run(2)).toEqual(one);
    // CSV out with row numbers: the rows after the streamed record go on numbering in its chunk's order.
    const csv = async (threads: number) => {
      const output = join(dir, `runaway-${threads}.csv`);
      const report = await convert(
        createObjectStore(),
        { input, output, schema: small, threads, chunkChars: 1024, rowNumberColumn: 'n', writeHeader: false },
        context(),
      );
      expect(report.threads).toBe(threads);
      return readFileSync(output, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => line.split(','));
    };
    const oneCsv = await csv(1);
    expect(oneCsv).toEqual([
      ['1', 'a', '1'],
      ['5', 'd', '2'],
      ['6', 'e', '3'],
    ]);
    const twoCsv = await csv(2);
    expect(twoCsv.map((fields) => fields.slice(0, 2))).toEqual(oneCsv.map((fields) => fields.slice(0, 2)));
    const numbers = twoCsv.map((fields) => BigInt(fields[2] as string));
    expect(numbers.every((n, i) => i === 0 || n > (numbers[i - 1] as bigint))).toBe(true);
  }, 60_000);

  it('screens text limits on the workers for Parquet too: the rows and rejects of one thread', async () => {
    const input = join(dir, 'limits.csv');
    writeFileSync(input, randomCsv(61, 300, DIALECTS[0] as Dialect));
    const read = { encoding: 'utf-8', textLimits: { maxBytes: 30, refuseNul: true, destination: 'the test' } };
    const one = await outcome(input, { ...read, threads: 1 });
    expect((one as { rejects: Array<{ code: string }> }).rejects.some((r) => r.code === 'TOO_LARGE')).toBe(true);
    expect(await outcome(input, { ...read, threads: 2, chunkChars: 700 })).toEqual(one);
  }, 60_000);

  it('keeps to one thread what only this thread can do, or what is too small to share', async () => {
    const input = join(dir, 'one-thread.csv');
    writeFileSync(input, randomCsv(62, 200, DIALECTS[0] as Dialect));
    const threadsOf = async (options: Partial<ConvertOptions>, output = 'one.parquet') =>
      (
        await convert(
          createObjectStore(),
          { input, output: join(dir, output), schema, encoding: 'utf-8', threads: 2, chunkChars: 500, ...options },
          context(),
        )
      ).threads;
    expect(await threadsOf({})).toBe(2);
    expect(await threadsOf({ facts: true })).toBe(1); // Parquet with facts: gathered on this thread
    expect(await threadsOf({ rowNumberColumn: 'n' })).toBe(1);
    expect(await threadsOf({}, 'one.ndjson')).toBe(1);
    expect(await threadsOf({ joinShortRows: true })).toBe(1);
    expect(await threadsOf({ chunkChars: 10 * 1024 * 1024 })).toBe(1); // the file is one chunk
    expect(await threadsOf({ facts: true, rowNumberColumn: 'n' }, 'one.csv')).toBe(2);
  }, 60_000);

  it('by default, one thread per 64 MiB of input, within the cores and the memory', () => {
    const mib = 1024 * 1024;
    expect(defaultThreads(8 * mib, 0)).toBe(1);
    expect(defaultThreads(8 * mib, 127 * mib)).toBe(1);
    expect(defaultThreads(8 * mib, 128 * mib)).toBe(Math.min(2, availableParallelism()));
    expect(defaultThreads(8 * mib, 1024 * mib)).toBeLessThanOrEqual(Math.min(16, availableParallelism()));
    expect(defaultThreads(8 * mib, 1024 * mib)).toBeGreaterThanOrEqual(1);
    expect(defaultThreads(2 ** 40, 1024 * mib)).toBe(1); // threads whose chunks would not fit a quarter of the memory
    // A container's CPU quota (cgroup v2 cpu.max, or v1's quota and period): whole CPUs, at least 1.
    expect(quotaCpus('max 100000')).toBeUndefined();
    expect(quotaCpus('-1 100000')).toBeUndefined();
    expect(quotaCpus('50000 100000\n')).toBe(1);
    expect(quotaCpus('200000 100000')).toBe(2);
    expect(quotaCpus('350000 100000')).toBe(3);
  });

  it('a gzipped file: inflated on the main thread, cut as bytes, the same outcome at 1 and 2 threads', { timeout: 60_000 }, async () => {
    const input = join(dir, 'zipped.csv.gz');
    writeFileSync(input, gzipSync(randomCsv(7, 400, DIALECTS[1] as Dialect)));
    const run = (threads: number) => outcome(input, { threads, chunkChars: 3000, encoding: 'utf-8' });
    const one = await run(1);
    expect(one).toMatchObject({ rowGroups: true });
    expect(await run(2)).toEqual(one);
  });

  it('empty input and a header alone: the same outcome at 1 and 2 threads', { timeout: 60_000 }, async () => {
    for (const [name, text] of [
      ['empty.csv', ''],
      ['header-only.csv', 'id,qty\r\n'],
      ['header-no-break.csv', 'id,qty'],
      ['blank-lines.csv', '\n\n\n'],
    ] as const) {
      const input = join(dir, name);
      writeFileSync(input, text);
      const small = parseSchemaCsv('column_name,data_type\nid,int\nqty,int\n');
      const run = (threads: number) => outcome(input, { schema: small, threads, chunkChars: 4, header: true });
      expect(await run(2), name).toEqual(await run(1));
    }
  });

  it('reads no further ahead than chunksInFlight chunks while the writer waits', { timeout: 60_000 }, async () => {
    const input = join(dir, 'ahead.csv');
    writeFileSync(input, randomCsv(99, 50_000, DIALECTS[0] as Dialect));
    const ctx = context();
    const source = await openRows(createObjectStore(), input, 'csv', { ctx, schema, encoding: 'utf-8' });
    const reading = source.csvReading;
    if (!reading) throw new Error('a CSV source has its reading');
    const chunks = parallelCsvChunks(createObjectStore(), reading, ctx, {
      workers: new ChunkWorkers(await chunkWorkerUrl(), 2),
      chunkChars: 16 * 1024,
      chunksInFlight: 2,
      output: { kind: 'rowGroups', parquet: {} },
    });
    await chunks.next(); // the first chunk's row groups, then the consumer stalls
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Two chunks in flight and the file stream's and decoder's buffers (256 KiB reads): far from the
    // file's size (without the bound, the whole file is read before the first chunk comes back).
    expect(source.bytesRead).toBeLessThan(3 * 16 * 1024 + 5 * 256 * 1024);
    expect(readFileSync(input).length).toBeGreaterThan(8 * source.bytesRead);
    let rows = 0;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) rows += next.value.rows;
    expect(rows).toBeGreaterThan(40_000);
  });

  it('refuses a thread count or chunk size that is not a whole number of at least 1', async () => {
    const input = join(dir, 'in-1.csv');
    for (const bad of [{ threads: 0 }, { threads: 1.5 }, { chunkChars: 0 }, { chunksInFlight: -1 }])
      await expect(
        convert(createObjectStore(), { input, output: join(dir, 'x.parquet'), schema, ...bad }, context()),
      ).rejects.toMatchObject({
        code: 'BAD_ARGUMENT',
      });
  });
});
