import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const etl = fileURLToPath(new URL('../bin/etl.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'etl-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sniff(file: string, ...args: string[]) {
  const { stdout } = await run(process.execPath, [etl, 'sniff', file, ...args]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('etl sniff', () => {
  it('describes a Shift_JIS, semicolon-separated, CRLF file with typed columns', async () => {
    const file = join(dir, 'inventory.csv');
    // 品番;数量;単価;更新日時 / A-1;3;1200.50;2026-11-01 09:00 / B-2;;980;2026-11-02 10:30, in Shift_JIS
    const header = Buffer.from('9569 94d4 3b 9094 97ca 3b 9250 89bf 3b 8d58 9056 93fa 8e9e 0d0a'.replace(/ /g, ''), 'hex');
    writeFileSync(file, Buffer.concat([header, Buffer.from('A-1;3;1200.50;2026-11-01 09:00\r\nB-2;;980;2026-11-02 10:30\r\n')]));
    expect(await sniff(file)).toEqual({
      encoding: 'shift_jis',
      confidence: expect.any(Number),
      bom: false,
      delimiter: ';',
      quote: '"',
      header: true,
      lineEnding: 'crlf',
      columns: [
        { name: '品番', type: 'varchar(3)', nullable: false },
        { name: '数量', type: 'smallint', nullable: true },
        { name: '単価', type: 'decimal(6,2)', nullable: false },
        { name: '更新日時', type: 'timestamp', nullable: false },
      ],
      sampledRows: 2,
    });
  });

  it('says what is wrong, with exit codes 1 (missing file) and 2 (usage)', async () => {
    // One line naming the file and what to check: no stack trace.
    await expect(run(process.execPath, [etl, 'sniff', join(dir, 'nope.csv')])).rejects.toMatchObject({
      code: 1,
      stderr: `etl sniff: ${join(dir, 'nope.csv')} does not exist: check the path or S3 URI\n`,
    });
    await expect(run(process.execPath, [etl, 'sniff'])).rejects.toMatchObject({
      code: 2,
      stderr: 'etl sniff: missing <path-or-s3-uri>; see etl sniff --help\n',
    });
    await expect(run(process.execPath, [etl, 'frobnicate'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown command "frobnicate"'),
    });
  });

  it('refuses a place no store can reach as usage, before reading or writing anything (a mistyped s3:/ wrote a local folder "s3:")', async () => {
    const file = join(dir, 'places.csv');
    writeFileSync(file, 'a,b\n1,2\n');
    await expect(run(process.execPath, [etl, 'convert', file, 's3:/lake/out.parquet'], { cwd: dir })).rejects.toMatchObject({
      code: 2,
      stderr:
        'etl convert: <out>: "s3:/lake/out.parquet" is neither a URI nor a path: use s3://bucket/key, file:///path or a local path (./s3:/lake/out.parquet for a file so named); see etl convert --help\n',
    });
    expect(existsSync(join(dir, 's3:'))).toBe(false);
    await expect(run(process.execPath, [etl, 'cat', 's3://b/x.csv'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('etl cat: <path-or-s3-uri>: "s3://b/x.csv" does not name a valid S3 bucket'),
    });
    await expect(run(process.execPath, [etl, 'sniff', 'gs://lake/x.csv'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('etl sniff: <path-or-s3-uri>: unsupported location "gs://lake/x.csv"'),
    });
  });
});

describe('etl convert and etl cat', () => {
  it('converts a Shift_JIS CSV to Parquet, prints the report, and cats it back as NDJSON', async () => {
    const file = join(dir, 'stock.csv');
    // 品番,数量,単価 / A-1,3,1200.50 / B-2,,980.25 in Shift_JIS, and one row whose 数量 is not a number
    const header = Buffer.from('9569 94d4 2c 9094 97ca 2c 9250 89bf 0a'.replace(/ /g, ''), 'hex');
    writeFileSync(file, Buffer.concat([header, Buffer.from('A-1,3,1200.50\nB-2,,980.25\nC-3,x,1.00\n')]));
    const schema = join(dir, 'stock.schema.csv');
    writeFileSync(schema, 'column_name,data_type,nullable\n品番,varchar(8),false\n数量,int\n単価,"decimal(8,2)"\n');
    const out = join(dir, 'stock.parquet');
    const { stdout } = await run(process.execPath, [etl, 'convert', file, out, '--schema', schema]);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ format: 'parquet', rowsRead: 3, rowsWritten: 2, rowsRejected: 1, rejects: `${out}.rejects.ndjson` });
    expect(report).toHaveProperty('peakRssBytes');
    expect(report).toHaveProperty('seconds');
    const cat = await run(process.execPath, [etl, 'cat', out]);
    expect(
      cat.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { 品番: 'A-1', 数量: 3, 単価: '1200.50' },
      { 品番: 'B-2', 数量: null, 単価: '980.25' },
    ]);
    expect((await run(process.execPath, [etl, 'cat', out, '--limit', '1'])).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('stops past --max-rejects without writing the output, and converts within it', async () => {
    const file = join(dir, 'counts.csv');
    writeFileSync(file, 'id,n\n1,5\n2,x\n3,y\n4,7\n');
    const schema = join(dir, 'counts.schema.csv');
    writeFileSync(schema, 'column_name,data_type\nid,int\nn,int\n');
    const out = join(dir, 'counts.parquet');
    await expect(run(process.execPath, [etl, 'convert', file, out, '--schema', schema, '--max-rejects', '1'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`2 records rejected, more than --max-rejects 1: stopped, ${out} not written`),
    });
    expect(existsSync(out)).toBe(false);
    // What was rejected before the stop is kept, with line and reason.
    const rejected = readFileSync(`${out}.rejects.ndjson`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; column: string });
    expect(rejected.map((r) => [r.line, r.column])).toEqual([
      [3, 'n'],
      [4, 'n'],
    ]);
    const { stdout } = await run(process.execPath, [etl, 'convert', file, out, '--schema', schema, '--max-rejects', '2']);
    expect(JSON.parse(stdout)).toMatchObject({ rowsWritten: 2, rowsRejected: 2 });
    expect(existsSync(out)).toBe(true);
  });

  it('rejects bad options with exit code 2, and a missing input or an unknown input format with 1', async () => {
    await expect(run(process.execPath, [etl, 'convert', 'a.csv', 'b.parquet', '--max-rejects', 'many'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--max-rejects must be a whole number, got many'),
    });
    await expect(run(process.execPath, [etl, 'convert', 'a.csv'])).rejects.toMatchObject({
      code: 2,
      stderr: 'etl convert: missing <out>; see etl convert --help\n',
    });
    await expect(run(process.execPath, [etl, 'convert', 'a.csv', 'b.parquet', '--compression', 'lzo'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--compression must be one of snappy, gzip, zstd, none'),
    });
    await expect(run(process.execPath, [etl, 'convert', join(dir, 'missing.csv'), join(dir, 'x.parquet')])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('missing.csv does not exist'),
    });
    // Every record rejected: no empty output, exit 1, the rejects kept.
    writeFileSync(join(dir, 'words.csv'), 'id,qty\n1,a\n2,b\n');
    writeFileSync(join(dir, 'words.schema.csv'), 'column_name,data_type\nid,int\nqty,int\n');
    await expect(
      run(process.execPath, [
        etl,
        'convert',
        join(dir, 'words.csv'),
        join(dir, 'words.parquet'),
        '--schema',
        join(dir, 'words.schema.csv'),
      ]),
    ).rejects.toMatchObject({
      code: 1,
      stderr: `etl convert: every record of ${join(dir, 'words.csv')} was rejected (2): ${join(dir, 'words.parquet')} not written; see ${join(dir, 'words.parquet')}.rejects.ndjson (another delimiter, encoding or schema?)\n`,
    });
    expect(existsSync(join(dir, 'words.parquet'))).toBe(false);
    expect(readFileSync(join(dir, 'words.parquet.rejects.ndjson'), 'utf8').trim().split('\n')).toHaveLength(2);
    // A file there whose extension says no format; one not there is said missing first.
    writeFileSync(join(dir, 'stock.xlsx'), 'PK');
    await expect(run(process.execPath, [etl, 'convert', join(dir, 'stock.xlsx'), join(dir, 'x.parquet')])).rejects.toMatchObject({
      code: 1,
      stderr: `etl convert: cannot tell the format of ${join(dir, 'stock.xlsx')} from its extension; pass --format csv|parquet|ndjson\n`,
    });
    await expect(run(process.execPath, [etl, 'convert', join(dir, 'gone.xlsx'), join(dir, 'x.parquet')])).rejects.toMatchObject({
      code: 1,
      stderr: `etl convert: ${join(dir, 'gone.xlsx')} does not exist: check the path or S3 URI\n`,
    });
    await expect(run(process.execPath, [etl, 'cat', 'x.parquet', '--limit', 'ten'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--limit must be a whole number'),
    });
    await expect(run(process.execPath, [etl, 'convert', 'a.csv', 'b.parquet', '--infer-from', 'all'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--infer-from must be sample or file, got all'),
    });
  });

  it('--threads 2 converts CSV to Parquet on worker threads from the bundle: the report and rejects of --threads 1', async () => {
    const input = join(dir, 'threads.csv');
    const rows = Array.from({ length: 100_000 }, (_, i) => (i === 77_777 ? `${i},"not a number` : `${i},"name, ${i}\nline 2"`));
    writeFileSync(input, `id,name\n${rows.join('\n')}\n${'"'}unclosed\n`);
    const schema = join(dir, 'threads.schema.csv');
    writeFileSync(schema, 'column_name,data_type\nid,int\nname,varchar(40)\n');
    const convertOn = async (threads: string) => {
      const out = join(dir, `threads-${threads}.parquet`);
      // Chunks of about 0.5 MB: the 3 MB file is cut into several, shared by the workers.
      const { stdout } = await run(process.execPath, [
        etl,
        'convert',
        input,
        out,
        '--schema',
        schema,
        '--threads',
        threads,
        '--chunk-mb',
        '0.5',
      ]);
      const report = JSON.parse(stdout) as { rowsRead: number; rowsWritten: number; rowsRejected: number; rejects: string };
      const rejects = readFileSync(report.rejects, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { code: string; line: number });
      return {
        read: report.rowsRead,
        written: report.rowsWritten,
        rejected: report.rowsRejected,
        rejects: rejects.map((r) => [r.code, r.line]),
      };
    };
    const one = await convertOn('1');
    // The stray quote opens a field that the next record's quote closes: two ragged records, and the last quote never closes.
    expect(one).toEqual({
      read: 100_001,
      written: 99_998,
      rejected: 3,
      rejects: [
        ['RAGGED_ROW', 2 + 2 * 77_777],
        ['RAGGED_ROW', 4 + 2 * 77_777],
        ['UNTERMINATED_QUOTE', 200_001],
      ],
    });
    expect(existsSync(fileURLToPath(new URL('../dist/csv-chunk.worker.mjs', import.meta.url)))).toBe(true);
    expect(await convertOn('2')).toEqual(one);
    await expect(run(process.execPath, [etl, 'convert', input, join(dir, 't.parquet'), '--threads', '0'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--threads must be a whole number of at least 1, got 0'),
    });
    await expect(run(process.execPath, [etl, 'convert', input, join(dir, 't.parquet'), '--chunk-mb', '-1'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--chunk-mb must be a positive number of MB, got -1'),
    });
  });

  it('--part-mb writes numbered gzip parts with --no-output-header, and says what is missing otherwise', async () => {
    const input = join(dir, 'parts.csv');
    writeFileSync(input, `id,name\n${Array.from({ length: 200_000 }, (_, i) => `${i},name ${i}`).join('\n')}\n`);
    const report = JSON.parse(
      (
        await run(process.execPath, [
          etl,
          'convert',
          input,
          join(dir, 'parts', 'part-{part}.csv.gz'),
          '--no-output-header',
          '--part-mb',
          '1',
        ])
      ).stdout,
    ) as { rowsWritten: number; outputs: string[] };
    expect(report.rowsWritten).toBe(200_000);
    expect(report.outputs.length).toBeGreaterThanOrEqual(3);
    const lines = report.outputs.flatMap((uri) =>
      gunzipSync(readFileSync(new URL(uri)))
        .toString('utf8')
        .trim()
        .split('\n'),
    );
    expect(lines).toHaveLength(200_000);
    expect([lines[0], lines.at(-1)]).toEqual(['0,name 0', '199999,name 199999']);
    await expect(run(process.execPath, [etl, 'convert', input, join(dir, 'p-{part}.csv'), '--part-mb', '1'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--part-mb with CSV output needs --no-output-header'),
    });
    await expect(
      run(process.execPath, [etl, 'convert', input, join(dir, 'p.csv'), '--no-output-header', '--part-mb', '1']),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('the output must name its parts with {part}') });
    await expect(run(process.execPath, [etl, 'convert', input, join(dir, 'p-{part}.csv'), '--part-mb', 'big'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--part-mb must be a positive number of MB, got big'),
    });
  });

  it('--infer-from file types a column by a value past the first MiB instead of rejecting it', async () => {
    const input = join(dir, 'late.csv');
    writeFileSync(input, `id,code\n${Array.from({ length: 90_000 }, (_, i) => `${i},${i * 7}`).join('\n')}\n90000,N/A\n`);
    const sampled = JSON.parse((await run(process.execPath, [etl, 'convert', input, join(dir, 'late-sample.parquet')])).stdout) as {
      rowsRejected: number;
    };
    const whole = JSON.parse(
      (await run(process.execPath, [etl, 'convert', input, join(dir, 'late-file.parquet'), '--infer-from', 'file'])).stdout,
    ) as { rowsWritten: number; rowsRejected: number };
    expect(sampled.rowsRejected).toBe(1);
    expect(whole).toMatchObject({ rowsWritten: 90_001, rowsRejected: 0 });
    const last = (await run(process.execPath, [etl, 'cat', join(dir, 'late-file.parquet')], { maxBuffer: 64 * 1024 * 1024 })).stdout
      .trim()
      .split('\n')
      .pop() as string;
    expect(JSON.parse(last)).toEqual({ id: 90000, code: 'N/A' });
  });
});
