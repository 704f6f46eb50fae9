import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { countingRejects, createLogger, createRunContext, RecordError, type RunContext } from '@etl/core';
import { testContext } from '@etl/core/testing';
import { CsvParser } from '@etl/csv';
import { startLocalAws, type LocalAws } from '@etl/local-aws';
import { createObjectStore, createS3Client, objectRejects } from '@etl/object-store';
import { castRecord, parseSchemaCsv, planColumns, rowsOf, type Value } from '@etl/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catLines, convert, convertHeld, openRows, toJsonValue } from './index.js';

const schema = parseSchemaCsv(`column_name,data_type,nullable
invoice_no,varchar(16),false
description,varchar(256)
quantity,int
invoice_date,timestamp
unit_price,"decimal(12,4)"
customer_id,bigint
updated_at,timestamptz
is_gift,boolean
discount_rate,double
ship_day,date
product_name_ja,varchar(64)
`);

const JA = ['ハート', 'キャンドル', '株式会社テスト', '①', '～', '白'];

/** CSV text covering quoted commas, doubled quotes, embedded newlines, blanks, 2-4 decimals, Japanese. */
function sampleCsv(rows: number): string {
  let text =
    'invoice_no,description,quantity,invoice_date,unit_price,customer_id,updated_at,is_gift,discount_rate,ship_day,product_name_ja\n';
  for (let i = 1; i <= rows; i++) {
    const description =
      i % 5 === 0 ? `"HEART, ${i}"` : i % 7 === 0 ? `"say ""hi"" ${i}"` : i % 11 === 0 ? `"two\nlines ${i}"` : `ITEM ${i % 17}`;
    const price = (((i * 7919) % 50000) / 100 + (i % 3 === 0 ? 0.0001 * (i % 10) : 0)).toFixed(2 + (i % 3));
    text += [
      `${i % 9 === 0 ? 'C' : ''}${536000 + i}`,
      description,
      String((i % 48) - 4),
      `2026-11-${String(1 + (i % 28)).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`,
      i % 13 === 0 ? `-${price}` : price,
      i % 5 === 1 ? '' : String(9_007_199_254_740_993n + BigInt(i)),
      `2026-11-05T12:00:00.${String(i % 1_000_000).padStart(6, '0')}Z`,
      i % 10 === 0 ? 'true' : 'false',
      String((i * 0.37) % 1),
      i % 4 === 0 ? '' : `2026-12-${String(1 + (i % 28)).padStart(2, '0')}`,
      `${JA[i % JA.length]}${JA[(i * 3) % JA.length]}`,
    ].join(',');
    text += '\n';
  }
  return text;
}

/** The typed rows of a CSV, cast by the schema as the pipeline does: the expected values. */
function castAll(text: string): Value[][] {
  const rows: Value[][] = [];
  let plan: ReturnType<typeof planColumns> | undefined;
  const parser = new CsvParser();
  const onRecord = (fields: string[], line: number) => {
    if (!plan) return void (plan = planColumns(schema, fields));
    const values = castRecord(plan, fields, line);
    if (values instanceof RecordError) throw values;
    rows.push(values);
  };
  parser.push(text, onRecord, (e) => {
    throw e;
  });
  parser.end(onRecord, () => undefined);
  return rows;
}

const asJson = (row: Value[]) => Object.fromEntries(schema.fields.map((f, i) => [f.name, toJsonValue(row[i], f)]));

function context(rejects = countingRejects()): RunContext & { rejects: ReturnType<typeof countingRejects> } {
  return createRunContext({
    jobName: 'convert-test',
    logger: createLogger({ runId: 't', jobName: 'convert-test', level: 'silent' as never }),
    rejects,
  }) as never;
}

/** Every row of a source, in order. */
async function allRows(source: { batches(): AsyncIterable<Value[][]> }): Promise<Value[][]> {
  const rows: Value[][] = [];
  for await (const batch of source.batches()) rows.push(...batch);
  return rows;
}

async function cat(uri: string, limit?: number): Promise<unknown[]> {
  let text = '';
  for await (const chunk of catLines(createObjectStore(), uri, limit === undefined ? {} : { limit }, context())) text += chunk;
  return text.trim() === ''
    ? []
    : text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown);
}

const dir = mkdtempSync(join(tmpdir(), 'convert-'));
const store = createObjectStore();

describe('convert and cat on local files', () => {
  const csv = sampleCsv(3000);
  const input = join(dir, 'orders.csv');
  writeFileSync(input, csv);
  const expected = castAll(csv).map(asJson);

  it('CSV -> Parquet -> rows round-trips every value exactly (decimals, timestamps, Japanese, newlines)', async () => {
    const report = await convert(store, { input, output: join(dir, 'orders.parquet'), schema, parquet: { rowGroupRows: 1000 } }, context());
    expect(report).toMatchObject({ format: 'parquet', rowsRead: 3000, rowsWritten: 3000, rowsRejected: 0 });
    expect(report.bytesWritten).toBeGreaterThan(0);
    expect(await cat(join(dir, 'orders.parquet'))).toEqual(expected);
  });

  it('Parquet -> CSV -> Parquet keeps the values, and the CSV is RFC 4180 with empty nulls', async () => {
    await convert(store, { input: join(dir, 'orders.parquet'), output: join(dir, 'back.csv') }, context());
    const back = readFileSync(join(dir, 'back.csv'), 'utf8');
    expect(back.split('\n')[0]).toBe(schema.fields.map((f) => f.name).join(','));
    expect(back).toContain('"two\nlines 11"');
    await convert(store, { input: join(dir, 'back.csv'), output: join(dir, 'again.parquet'), schema }, context());
    expect(await cat(join(dir, 'again.parquet'))).toEqual(expected);
  });

  it('holds its output unseen until published, on threads too; a discarded one leaves no file, temp file or folder', async () => {
    const out = join(dir, 'held', 'run_date=2026-12-07');
    const options = { input, schema, threads: 2, chunkChars: 64 * 1024 };
    const held = await convertHeld(store, { ...options, output: join(out, 'kept.parquet') }, context());
    expect(held.report).toMatchObject({ rowsWritten: 3000, threads: 2, outputs: [pathToFileURL(join(out, 'kept.parquet')).href] });
    const listed = async () => {
      const uris: string[] = [];
      for await (const o of store.list(join(dir, 'held') + '/')) uris.push(o.uri);
      return uris;
    };
    expect(await listed()).toEqual([]);
    const published = await held.publish();
    expect(published).toMatchObject({ rowsWritten: 3000, output: pathToFileURL(join(out, 'kept.parquet')).href });
    expect(published.bytesWritten).toBe(statSync(join(out, 'kept.parquet')).size);
    expect(await cat(join(out, 'kept.parquet'))).toEqual(expected);

    const other = join(dir, 'held', 'run_date=2026-12-08');
    const counted = context();
    const dropped = await convertHeld(store, { ...options, output: join(other, 'dropped.parquet'), counted: true }, counted);
    expect(counted.counters.totals().rowsWritten).toBe(3000); // as progress
    await dropped.discard(new Error('DynamoDB failed'));
    expect(counted.counters.totals()).toMatchObject({ rowsRead: 3000, rowsWritten: 0 });
    expect(await listed()).toEqual([pathToFileURL(join(out, 'kept.parquet')).href]);
    expect(readdirSync(join(dir, 'held'))).toEqual(['run_date=2026-12-07']);
    // Parts are complete as they fill: a held output is one object.
    await expect(
      convertHeld(store, { ...options, output: join(other, 'part-{part}.csv'), partBytes: 1000, writeHeader: false }, context()),
    ).rejects.toThrow('convertHeld: an output in parts (partBytes) cannot be held');
  });

  it('counts itself in the run totals only when asked (a whole run, not an intermediate file)', async () => {
    const counted = context();
    const report = await convert(store, { input, output: join(dir, 'counted.parquet'), schema, counted: true }, counted);
    expect(counted.counters.totals()).toMatchObject({
      rowsRead: 3000,
      rowsWritten: 3000,
      bytesIn: report.bytesRead,
      bytesOut: report.bytesWritten,
    });
    const fromParquet = context();
    const parquetIn = await convert(
      store,
      { input: join(dir, 'counted.parquet'), output: join(dir, 'counted.csv'), counted: true },
      fromParquet,
    );
    // What its ranged reads fetched (footer and column chunks).
    expect(fromParquet.counters.totals()).toMatchObject({ rowsRead: 3000, rowsWritten: 3000, bytesIn: parquetIn.bytesRead });
    expect(parquetIn.bytesRead).toBeGreaterThan(0);
    // On threads too, the bytes counted once.
    const threaded = context();
    await convert(
      store,
      { input, output: join(dir, 'counted2.parquet'), schema, counted: true, threads: 2, chunkChars: 64 * 1024 },
      threaded,
    );
    expect(threaded.counters.totals()).toMatchObject({ rowsRead: 3000, rowsWritten: 3000, bytesIn: statSync(input).size });
    const staging = context();
    await convert(store, { input, output: join(dir, 'staging.csv'), schema }, staging);
    expect(staging.counters.totals()).toMatchObject({ rowsRead: 3000, rowsWritten: 0 });
  });

  it('reads integer columns as BIGINT without a schema: an id past the sniffed sample is a value, not a reject', async () => {
    const small = Array.from({ length: 200_000 }, (_, i) => `${i % 30_000},x`).join('\n');
    const file = join(dir, 'ids.csv');
    writeFileSync(file, `id,tag\n${small}\n70000,y\n`); // > 1 MiB: the last id is beyond the sample
    const report = await convert(store, { input: file, output: join(dir, 'ids.parquet') }, context());
    expect(report).toMatchObject({ rowsRead: 200_001, rowsWritten: 200_001, rowsRejected: 0 });
    expect((await cat(join(dir, 'ids.parquet'))).at(-1)).toEqual({ id: 70000, tag: 'y' });
  });

  it('hands a large Parquet row group on in batches of at most 8,192 rows, in order', async () => {
    const source = await openRows(store, join(dir, 'ids.parquet'), 'parquet', { ctx: context() });
    const sizes: number[] = [];
    let last: unknown[] | undefined;
    for await (const batch of source.batches()) {
      sizes.push(batch.length);
      last = batch.at(-1);
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(200_001);
    expect(Math.max(...sizes)).toBe(8192);
    expect(last).toEqual([70000n, 'y']);
  });

  it('stages CSV from column batches as from rows: same text, rows numbered, the same facts and keys', async () => {
    const staging = async (from: string, to: string) => {
      const keys: unknown[] = [];
      const report = await convert(
        store,
        {
          input: from,
          output: join(dir, to),
          schema,
          format: 'csv',
          writeHeader: false,
          nullMarker: '\\N',
          rowNumberColumn: 'n',
          facts: true,
          keys: () => ({ columns: [0, 1], onKeys: (batch) => keys.push(...rowsOf(batch)) }),
        },
        context(),
      );
      return { text: readFileSync(join(dir, to), 'utf8'), facts: report.facts, keys };
    };
    const fromColumns = await staging(input, 'staged-columns.csv'); // CSV source: column batches
    const fromRows = await staging(join(dir, 'orders.parquet'), 'staged-rows.csv'); // Parquet source: rows
    expect(fromColumns).toEqual(fromRows);
    expect(fromColumns.text.split('\n')[2]).toBe(
      `536003,ITEM 3,-1,2026-11-04 03:03:00.000000,237.5700,9007199254740996,2026-11-05 12:00:00.000003+00,false,0.10999999999999988,2026-12-04,①①,3`,
    );
    expect(fromColumns.text.trimEnd()).toMatch(/,3000$/); // (quoted fields hold line breaks: lines are not rows)
    expect(fromColumns.keys).toHaveLength(3000);
    expect(fromColumns.facts?.rows).toBe(3000);
  });

  it('numbers rows across batches, and refuses a row-number column the file has already', async () => {
    const big = join(dir, 'big-numbered.csv');
    writeFileSync(big, sampleCsv(20_000));
    const output = join(dir, 'numbered.csv');
    const report = await convert(
      store,
      { input: big, output, schema, format: 'csv', writeHeader: false, rowNumberColumn: 'n', threads: 1 },
      context(),
    );
    expect(report.threads).toBe(1);
    expect(readFileSync(output, 'utf8').trimEnd().split('\n').at(-1)).toMatch(/,20000$/);
    const clash = schema.fields[1]?.name as string;
    await expect(
      convert(store, { input: big, output: join(dir, 'clash.csv'), schema, format: 'csv', rowNumberColumn: clash }, context()),
    ).rejects.toThrow(`has a column ${clash} already`);
  });

  it('leaves out the columns asked, inferred or given, with a header or without', async () => {
    const csv = join(dir, 'omit.csv');
    writeFileSync(csv, 'id,run_date,name\n1,2020-01-01,a\n2,2020-01-02,b\n');
    const inferred = await openRows(store, csv, 'csv', { ctx: context(), omitColumns: ['run_date'] });
    expect(inferred.schema.fields.map((f) => f.name)).toEqual(['id', 'name']);
    expect(await allRows(inferred)).toEqual([
      [1n, 'a'],
      [2n, 'b'],
    ]);
    const headless = join(dir, 'omit-headless.csv');
    writeFileSync(headless, '1,2020-01-01,a\n2,2020-01-02,b\n');
    const given = parseSchemaCsv('column_name,data_type\nid,int\nrun_date,date\nname,varchar\n');
    const rows = await openRows(store, headless, 'csv', { ctx: context(), schema: given, header: false, omitColumns: ['run_date'] });
    expect(await allRows(rows)).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it("reads a file without a header by the schema's columns, or its common width, whatever one stray record holds", async () => {
    const csv = join(dir, 'headless-stray.csv');
    writeFileSync(csv, '1,a,10\n2,b,20\n3,c,30,stray\n4,d,40\n');
    const given = parseSchemaCsv('column_name,data_type\nid,int\nname,varchar\nqty,int\n');
    for (const schemaOption of [{ schema: given }, {}]) {
      const ctx = context();
      const rows = await allRows(await openRows(store, csv, 'csv', { ctx, header: false, ...schemaOption }));
      expect(rows.map((r) => r.slice(0, 2).map(String))).toEqual([
        ['1', 'a'],
        ['2', 'b'],
        ['4', 'd'],
      ]);
      expect(ctx.rejects.samples).toMatchObject([{ code: 'RAGGED_ROW', line: 3 }]);
    }
  });

  it('logs the encoding it reads a file in as detected, with its confidence, or as given', async () => {
    const csv = join(dir, 'latin.csv');
    writeFileSync(csv, Buffer.from('id,name\n1,caf\xe9 cr\xe8me br\xfbl\xe9e\n', 'latin1'));
    const reading = async (options: { encoding?: string }) => {
      const { ctx, logs } = testContext();
      await allRows(await openRows(store, csv, 'csv', { ctx, ...options }));
      return logs.lines.find((l) => String(l['msg']).startsWith('reading '));
    };
    const detected = await reading({});
    expect(detected).toMatchObject({ encoding: 'windows-1252', explicit: false });
    expect(detected?.['confidence']).toBeLessThan(1);
    expect(await reading({ encoding: 'latin1' })).toMatchObject({ encoding: 'latin1', explicit: true, confidence: 1 });
    // On threads, UTF-8 is cut as bytes and decoded on the workers: the main thread's line says the same.
    const utf8 = join(dir, 'utf8-threads.csv');
    writeFileSync(utf8, `id,name\n${Array.from({ length: 400 }, (_, i) => `${i},crème brûlée ${i}`).join('\n')}\n`);
    const { ctx, logs } = testContext();
    const report = await convert(store, { input: utf8, output: join(dir, 'utf8-threads.parquet'), threads: 2, chunkChars: 1024 }, ctx);
    expect(report).toMatchObject({ rowsWritten: 400, threads: 2 });
    expect(logs.lines.find((l) => String(l['msg']).startsWith('reading '))).toMatchObject({
      encoding: 'utf-8',
      explicit: false,
      confidence: expect.any(Number),
      threads: 2,
    });
  });

  it('says a reject under an inferred type came from inference, and how to set the type', async () => {
    const file = join(dir, 'rates.csv');
    writeFileSync(file, `id,rate\n${Array.from({ length: 120_000 }, (_, i) => `${i},0.5`).join('\n')}\n120000,0.125\n`);
    const ctx = context();
    const report = await convert(store, { input: file, output: join(dir, 'rates.parquet') }, ctx);
    expect(report).toMatchObject({ rowsWritten: 120_000, rowsRejected: 1 });
    const [reject] = ctx.rejects.samples;
    expect(reject).toMatchObject({ line: 120_002, column: 'rate' });
    expect(reject?.reason).toMatch(/0\.125 .*decimal\(1,1\).*types were inferred from the start of the file; give a schema to set them/);
  });

  it('infers from every record when asked: a late value types its column, nothing is rejected, the pass rejects nothing twice', async () => {
    const file = join(dir, 'late.csv');
    // Past the sniff's first MiB: a finer rate, a code that is not a number, and one ragged row.
    writeFileSync(
      file,
      `id,rate,code\n${Array.from({ length: 120_000 }, (_, i) => `${i},0.5,${i}`).join('\n')}\n120000,0.125,X-1\n120001,0.5\n`,
    );
    const ctx = context();
    const report = await convert(store, { input: file, output: join(dir, 'late.parquet'), inferFrom: 'file' }, ctx);
    expect(report).toMatchObject({ rowsRead: 120_002, rowsWritten: 120_001, rowsRejected: 1 });
    expect(ctx.rejects.samples.map((r) => r.code)).toEqual(['RAGGED_ROW']);
    const rows = await cat(join(dir, 'late.parquet'));
    expect(rows.at(-1)).toEqual({ id: 120000, rate: '0.125', code: 'X-1' });
    expect(rows[0]).toEqual({ id: 0, rate: '0.500', code: '0' });
    // The inference pass read the whole file too: its bytes count (progress moves), its rows do not.
    expect(ctx.counters.snapshotComponents()['type-inference']).toMatchObject({ role: 'source', bytesIn: statSync(file).size, rowsOut: 0 });
    expect(ctx.counters.totals().rowsRead).toBe(120_002);
  });

  it('writes CSV in numbered gzip parts that split no record (quoted newlines included) and add up to the single file', async () => {
    // Encoded chunks are about 256 KiB: parts of at most 600 KiB hold two of them.
    const big = join(dir, 'big.csv');
    writeFileSync(big, sampleCsv(20_000));
    const whole = join(dir, 'whole.csv.gz');
    await convert(store, { input: big, output: whole, schema, writeHeader: false, nullMarker: '\\N' }, context());
    const partsDir = mkdtempSync(join(dir, 'parts-'));
    const report = await convert(
      store,
      { input: big, output: join(partsDir, 'part-{part}.csv.gz'), schema, writeHeader: false, nullMarker: '\\N', partBytes: 600 * 1024 },
      context(),
    );
    expect(report.outputs.length).toBeGreaterThanOrEqual(3);
    expect(report.outputs.map((uri) => uri.slice(uri.lastIndexOf('/') + 1))).toEqual(
      report.outputs.map((_uri, i) => `part-${String(i).padStart(5, '0')}.csv.gz`),
    );
    expect(report.output).toBe(report.outputs[0]);
    expect(report.bytesWritten).toBe(report.outputs.reduce((sum, uri) => sum + statSync(new URL(uri)).size, 0));
    const texts = report.outputs.map((uri) => gunzipSync(readFileSync(new URL(uri))).toString('utf8'));
    expect(texts.join('')).toBe(gunzipSync(readFileSync(whole)).toString('utf8'));
    for (const text of texts) {
      // Each part parses on its own into whole records: every one has the schema's field count.
      const widths = new Set<number>();
      const parser = new CsvParser();
      const fail = (error: Error) => {
        throw error;
      };
      parser.push(text, (fields) => widths.add(fields.length), fail);
      parser.end((fields) => widths.add(fields.length), fail);
      expect(widths).toEqual(new Set([schema.fields.length]));
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(600 * 1024);
    }
  });

  it('reports each part to onPart as soon as it is stored, in order, while later parts are still being written', async () => {
    const big = join(dir, 'big-onpart.csv');
    writeFileSync(big, sampleCsv(20_000));
    const partsDir = mkdtempSync(join(dir, 'onpart-'));
    const seen: Array<{ index: number; uri: string; size: number; storedThen: number }> = [];
    const report = await convert(
      store,
      {
        input: big,
        output: join(partsDir, 'part-{part}.csv.gz'),
        schema,
        writeHeader: false,
        partBytes: 600 * 1024,
        onPart: (part, index) =>
          seen.push({ index, uri: part.uri, size: part.size, storedThen: readdirSync(partsDir).filter((f) => f.endsWith('.gz')).length }),
      },
      context(),
    );
    expect(seen.map((p) => p.index)).toEqual(report.outputs.map((_uri, i) => i));
    expect(seen.map((p) => p.uri)).toEqual(report.outputs);
    expect(seen.map((p) => p.size)).toEqual(report.outputs.map((uri) => statSync(new URL(uri)).size));
    // Part n is complete when reported, and part n+1 is not yet stored.
    expect(seen.map((p) => p.storedThen)).toEqual(report.outputs.map((_uri, i) => i + 1));
  });

  it('refuses parts it cannot write, saying why', async () => {
    const to = (output: string, extra: object = {}) =>
      convert(store, { input, output: join(dir, output), schema, writeHeader: false, partBytes: 1024, ...extra }, context());
    await expect(to('p.parquet')).rejects.toThrow('output in parts: Parquet output is one file');
    await expect(to('p.csv')).rejects.toThrow('the output must name its parts with {part}');
    await expect(to('p-{part}.csv', { writeHeader: true })).rejects.toThrow('CSV parts need writeHeader false');
    await expect(to('p-{part}.csv', { partBytes: 0 })).rejects.toThrow('partBytes must be a positive whole number');
  });

  it('refuses a file with no columns, naming it', async () => {
    const file = join(dir, 'blank.csv');
    writeFileSync(file, '\n\n');
    await expect(convert(store, { input: file, output: join(dir, 'blank.parquet') }, context())).rejects.toThrow(
      `${file} has no columns (empty, or only blank lines): nothing to convert`,
    );
  });

  it('refuses a JSON document given as NDJSON, saying so (it said "no columns (empty, or only blank lines)"; cat printed nothing, exit 0)', async () => {
    const file = join(dir, 'manifest.json');
    writeFileSync(file, '{\n  "files": [\n    "a.parquet"\n  ]\n}\n');
    const says = `${file}: none of its first 5 lines is a JSON object: NDJSON holds one object per line (a JSON document written over several lines, or an array, is not NDJSON)`;
    await expect(convert(store, { input: file, output: join(dir, 'manifest.parquet') }, context())).rejects.toThrow(says);
    await expect(cat(file)).rejects.toThrow(says);
    writeFileSync(file, '[{"a": 1}, {"a": 2}]');
    await expect(cat(file)).rejects.toThrow(`${file}: its one line is not a JSON object`);
    // A last line without its line break is read for the schema too.
    writeFileSync(file, '{"a": 1}');
    expect(await cat(file)).toEqual([{ a: 1 }]);
    // One good line among bad ones is a file with rejects, as before.
    writeFileSync(file, '{"a": 1}\nnot json\n');
    expect(await cat(file)).toEqual([{ a: 1 }]);
  });

  it('says an input without an extension is missing before asking for its format', async () => {
    const missing = join(dir, 'no-such-file');
    await expect(cat(missing)).rejects.toThrow(`${missing} does not exist: check the path or S3 URI`);
    await expect(convert(store, { input: missing, output: join(dir, 'x.parquet') }, context())).rejects.toThrow(
      `${missing} does not exist`,
    );
    writeFileSync(missing, 'a\n1\n');
    await expect(cat(missing)).rejects.toThrow(`cannot tell the format of ${missing} from its extension; pass --format`);
  });

  it('CSV -> gzipped NDJSON -> Parquet', async () => {
    await convert(store, { input, output: join(dir, 'orders.ndjson.gz'), schema }, context());
    const lines = gunzipSync(readFileSync(join(dir, 'orders.ndjson.gz')))
      .toString('utf8')
      .trim()
      .split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(expected);
    await convert(store, { input: join(dir, 'orders.ndjson.gz'), output: join(dir, 'from-ndjson.parquet'), schema }, context());
    expect(await cat(join(dir, 'from-ndjson.parquet'))).toEqual(expected);
  });

  it('cat stops at --limit and reads CSV and NDJSON too', async () => {
    expect(await cat(join(dir, 'orders.parquet'), 5)).toEqual(expected.slice(0, 5));
    expect(await cat(join(dir, 'orders.parquet'), 0)).toEqual([]);
    expect(await cat(join(dir, 'orders.ndjson.gz'), 2)).toHaveLength(2);
    expect((await cat(input, 3)).map((r) => (r as { invoice_no: string }).invoice_no)).toEqual(['536001', '536002', '536003']);
  });

  it('routes bad rows to the rejects with line, column and reason, and writes the rest', async () => {
    const bad = 'invoice_no,quantity,unit_price\nA1,3,1.50\nA2,three,2.00\nA3,4\n"A4,5,1.00\nA5,6,7.123456\n';
    writeFileSync(join(dir, 'bad.csv'), bad);
    const small = parseSchemaCsv('column_name,data_type,nullable\ninvoice_no,varchar(8),false\nquantity,int\nunit_price,"decimal(6,2)"\n');
    const rejectsUri = join(dir, 'bad.rejects.ndjson');
    const ctx = createRunContext({
      jobName: 't',
      logger: createLogger({ runId: 't', jobName: 't', level: 'silent' as never }),
      rejects: objectRejects(store, rejectsUri),
    });
    const report = await convert(store, { input: join(dir, 'bad.csv'), output: join(dir, 'bad.parquet'), schema: small }, ctx);
    await ctx.rejects.close();
    expect(report).toMatchObject({ rowsWritten: 1, rowsRejected: 3 });
    // Parse rejects are written as the parser finds them, cast rejects after their batch: sort by line.
    const rejects = readFileSync(rejectsUri, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .sort((a, b) => Number(a['line']) - Number(b['line']));
    expect(rejects).toEqual([
      expect.objectContaining({
        code: 'CAST',
        line: 3,
        column: 'quantity',
        raw: 'three',
        reason: expect.stringContaining('not a whole number'),
      }),
      expect.objectContaining({ code: 'RAGGED_ROW', line: 4 }),
      expect.objectContaining({ code: 'UNTERMINATED_QUOTE', line: 5 }),
    ]);
    expect(await cat(join(dir, 'bad.parquet'))).toEqual([{ invoice_no: 'A1', quantity: 3, unit_price: '1.50' }]);
  });

  it('reads messy CSV as asked: preamble lines, null markers, decimal commas, rows broken by a newline', async () => {
    writeFileSync(join(dir, 'messy.csv'), 'Bestand 2026-11-22\nExport v2\nsku;menge;preis\nA;1.200;1,50\nB;NA;NULL\nC;3\n;2,25\nD;1\n');
    const messy = parseSchemaCsv('column_name,data_type\nsku,varchar(4)\nmenge,int\npreis,"decimal(8,2)"\n');
    const options = {
      schema: messy,
      skipLines: 2,
      nullValues: ['NA', 'NULL'],
      decimalSeparator: ',',
      groupSeparator: '.',
      joinShortRows: true,
    } as const;
    const report = await convert(store, { input: join(dir, 'messy.csv'), output: join(dir, 'messy.parquet'), ...options }, context());
    expect(report).toMatchObject({ rowsWritten: 3, rowsRejected: 1 }); // D;1 has nothing left to join
    expect(await cat(join(dir, 'messy.parquet'))).toEqual([
      { sku: 'A', menge: 1200, preis: '1.50' },
      { sku: 'B', menge: null, preis: null },
      { sku: 'C', menge: 3, preis: '2.25' },
    ]);
  });

  it('rejects records holding invalid bytes, naming line and byte offset (default policy)', async () => {
    // UTF-8 file where one row carries a stray Latin-1 byte (0xE9): that record is rejected, the rest load.
    const bytes = Buffer.concat([Buffer.from('sku,name\nA,Café\nB,Caf'), Buffer.from([0xe9]), Buffer.from('\nC,日本\n')]);
    writeFileSync(join(dir, 'mixed.csv'), bytes);
    const ctx = context();
    const report = await convert(store, { input: join(dir, 'mixed.csv'), output: join(dir, 'mixed.parquet'), encoding: 'utf-8' }, ctx);
    expect(report).toMatchObject({ rowsRead: 3, rowsWritten: 2, rowsRejected: 1 });
    expect(ctx.rejects.samples[0]).toMatchObject({
      code: 'ENCODING',
      line: 3,
      offset: bytes.indexOf(0xe9),
      reason: expect.stringContaining('invalid utf-8 bytes at byte offset 22'),
    });
    expect((await cat(join(dir, 'mixed.parquet'))).map((r) => (r as { name: string }).name)).toEqual(['Café', '日本']);
  });

  it('rejects NDJSON lines holding invalid bytes too', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"sku":"A","name":"ok"}\n{"sku":"B","name":"bad'),
      Buffer.from([0xff]),
      Buffer.from('"}\n{"sku":"C","name":"日本"}\n'),
    ]);
    writeFileSync(join(dir, 'mixed.ndjson'), bytes);
    const ctx = context();
    const small = parseSchemaCsv('column_name,data_type\nsku,varchar(4)\nname,varchar(16)\n');
    const report = await convert(
      store,
      { input: join(dir, 'mixed.ndjson'), output: join(dir, 'mixed-ndjson.parquet'), schema: small, encoding: 'utf-8' },
      ctx,
    );
    expect(report).toMatchObject({ rowsWritten: 2, rowsRejected: 1 });
    expect(ctx.rejects.samples[0]).toMatchObject({ code: 'ENCODING', line: 2, offset: bytes.indexOf(0xff) });
  });

  it('reads bzip2 and gzip CSV (csvkit dummy.csv.bz2)', async () => {
    const bz2 = fileURLToPath(new URL('../test-data/csvkit/dummy.csv.bz2', import.meta.url));
    expect(await cat(bz2)).toEqual([{ a: 1, b: 2, c: 3 }]);
  });

  it('infers a schema when given none (all columns nullable)', async () => {
    writeFileSync(join(dir, 'plain.csv'), 'id;name;price\n1;a;1.5\n2;;2.25\n');
    const report = await convert(store, { input: join(dir, 'plain.csv'), output: join(dir, 'plain.parquet') }, context());
    expect(report.rowsWritten).toBe(2);
    expect(await cat(join(dir, 'plain.parquet'))).toEqual([
      { id: 1, name: 'a', price: '1.50' },
      { id: 2, name: '', price: '2.25' },
    ]);
  });
});

describe('convert and cat on S3 (moto)', () => {
  let stack: LocalAws;
  beforeAll(async () => {
    stack = await startLocalAws({ services: ['s3'] });
    Object.assign(process.env, stack.env);
    const client = createS3Client();
    await client.send(new CreateBucketCommand({ Bucket: 'lake' }));
    client.destroy();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('holds an S3 output as an open multipart upload: not there until published, nothing left when discarded', async () => {
    // 5 MiB parts and ~6.8 MB of CSV out: the first part is uploaded while converting, the rest held.
    const s3 = createObjectStore({ s3: { partSize: 5 * 1024 * 1024 } });
    const csv = sampleCsv(50_000);
    await s3.put('s3://lake/in/held.csv', csv);
    const client = createS3Client();
    const uploads = async () =>
      ((await client.send(new ListMultipartUploadsCommand({ Bucket: 'lake', Prefix: 'held/' }))).Uploads ?? []).map((u) => u.Key);
    const options = { input: 's3://lake/in/held.csv', schema, threads: 2, chunkChars: 1024 * 1024 };
    const held = await convertHeld(s3, { ...options, output: 's3://lake/held/a.csv' }, context());
    expect(held.report.rowsWritten).toBe(50_000);
    expect(held.report.bytesWritten).toBeGreaterThan(5 * 1024 * 1024);
    expect(await uploads()).toEqual(['held/a.csv']);
    expect(await s3.head('s3://lake/held/a.csv')).toBeUndefined();
    const published = await held.publish();
    expect((await s3.head('s3://lake/held/a.csv'))?.size).toBe(published.bytesWritten);
    expect(await uploads()).toEqual([]);

    const dropped = await convertHeld(s3, { ...options, output: 's3://lake/held/b.csv' }, context());
    expect(await uploads()).toEqual(['held/b.csv']);
    await dropped.discard(new Error('DynamoDB failed'));
    expect(await s3.head('s3://lake/held/b.csv')).toBeUndefined();
    expect(await uploads()).toEqual([]);
    client.destroy();
  });

  it('converts s3:// to s3:// and cats Parquet with ranged reads', async () => {
    const s3 = createObjectStore();
    const csv = sampleCsv(500);
    await s3.put('s3://lake/in/orders.csv', csv);
    const report = await convert(s3, { input: 's3://lake/in/orders.csv', output: 's3://lake/out/orders.parquet', schema }, context());
    expect(report).toMatchObject({ output: 's3://lake/out/orders.parquet', rowsWritten: 500 });
    let text = '';
    for await (const chunk of catLines(s3, 's3://lake/out/orders.parquet', {}, context())) text += chunk;
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(castAll(csv).map(asJson));
  });
});
