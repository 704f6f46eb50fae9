import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';
import { CreateTableCommand, ListTablesCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient, createStringKeyedTable } from '@etl/dynamodb';
import { startLocalAws, type LocalAws } from '@etl/local-aws';
import { runJob } from '@etl/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryJob } from './job.js';

const dir = mkdtempSync(join(tmpdir(), 'inventory-'));
const schema = join(dir, 'schema.csv');
writeFileSync(
  schema,
  'column_name,data_type,nullable,key_order\n倉庫コード,varchar(8),false,1\n品番,varchar(16),false,2\n品名,varchar(64),true,\n数量,int,true,\n単価,"decimal(12,2)",true,\n',
);

/** CP932 bytes of the few characters these tests use (Node has no Shift_JIS encoder). */
function encodeCp932(text: string): Buffer {
  const table: Record<string, string> = {
    倉: '9171',
    庫: '8cc9',
    コ: '8352',
    ー: '815b',
    ド: '8368',
    品: '9569',
    番: '94d4',
    名: '96bc',
    数: '9094',
    量: '97ca',
    単: '9250',
    価: '89bf',
    '㈱': '878a',
    テ: '8365',
    ス: '8358',
    ト: '8367',
    ボ: '837b',
    ル: '838b',
    '①': '8740',
    ナ: '8369',
    ッ: '8362',
    '～': '8160',
    髙: 'eee0',
    橋: '8bb4',
    式: '8eae',
  };
  return Buffer.concat([...text].map((c) => (table[c] ? Buffer.from(table[c] as string, 'hex') : Buffer.from(c, 'latin1'))));
}

const header = '倉庫コード,品番,品名,数量,単価\r\n';
let stack: LocalAws;
beforeAll(async () => {
  stack = await startLocalAws({ services: ['s3', 'dynamodb'], faults: { services: ['dynamodb'], failRate: 0.1, seed: 7 } });
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function capture(): Writable & { text: string } {
  const out = Object.assign(new Writable({ write: (chunk, _e, cb) => ((out.text += String(chunk)), cb()) }), { text: '' });
  return out;
}

async function run(source: string, ...argv: string[]) {
  const stdout = capture();
  const stderr = capture();
  const defaults: Record<string, string> = {
    '--schema': schema,
    '--table_prefix': 'inventory_',
    '--output': join(dir, 'out'),
    '--local_dir': join(dir, 'local'),
    ...(argv.includes('--error_prefix') ? {} : { '--run_output': join(dir, 'runs') }),
  };
  const code = await runJob(inventoryJob, {
    argv: ['--source', source, ...Object.entries(defaults).flatMap(([name, value]) => (argv.includes(name) ? [] : [name, value])), ...argv],
    env: { ...stack.env },
    stdout,
    stderr,
    handleSignals: false,
  });
  // The job's figures, as the run report (report.json, named on the closing log line) has them.
  const closing = stdout.text.split('\n').find((l) => l.includes('"outcome"'));
  const reportFile = closing ? (JSON.parse(closing) as { report: string }).report : undefined;
  const report = reportFile ? (JSON.parse(readFileSync(reportFile, 'utf8')) as { figures?: Record<string, unknown> }) : undefined;
  return { code, stdout: stdout.text, stderr: stderr.text, report: report?.figures, reportFile };
}

async function items(): Promise<Map<string, Record<string, AttributeValue>>> {
  const client = createDynamoDbClient({ ...stack.env });
  try {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: 'inventory_2026' }));
    return new Map(Items.map((item) => [item['pk']?.S as string, item]));
  } finally {
    client.destroy();
  }
}

async function tablesStartingWith(prefix: string): Promise<string[]> {
  const client = createDynamoDbClient({ ...stack.env });
  try {
    const { TableNames = [] } = await client.send(new ListTablesCommand({}));
    return TableNames.filter((name) => name.startsWith(prefix));
  } finally {
    client.destroy();
  }
}

describe('inventory-to-dynamodb against the local AWS stack (10% of DynamoDB requests failing)', () => {
  it('loads a CP932 file, then writes only new and changed items, keeping created_at; Parquet readable by DuckDB', async () => {
    const client = createDynamoDbClient({ ...stack.env });
    await createStringKeyedTable(client, 'inventory_2026', 'pk');
    client.destroy();
    const rows = Array.from({ length: 300 }, (_, i) => `TK01,A-${i},㈱テストボルト①,${i},${(i * 1.25).toFixed(2)}`);
    const first = join(dir, 'inventory-1.csv');
    writeFileSync(first, encodeCp932(header + rows.join('\r\n') + '\r\n'));
    const one = await run(first);
    expect(one.code, one.stdout).toBe(0);
    expect(one.report).toMatchObject({
      table: 'inventory_2026',
      itemsRead: 300,
      new: 300,
      changed: 0,
      unchanged: 0,
      writtenToDynamoDb: 300,
    });
    const after1 = await items();
    expect(after1.size).toBe(300);
    expect(after1.get('TK01#A-7')).toMatchObject({ 品名: { S: '㈱テストボルト①' }, 数量: { N: '7' }, 単価: { N: '8.75' } });

    // changed: A-0..A-9 quantity; new: B-1, B-2; the rest identical; one bad number, one ragged row
    const second = join(dir, 'inventory-2.csv');
    const changed = rows.map((r, i) => (i < 10 ? r.replace(`,${i},`, `,${i + 1000},`) : r));
    writeFileSync(
      second,
      encodeCp932(
        header +
          [...changed, 'OS02,B-1,髙橋式,1,1.00', 'OS02,B-2,ナット～,2,2.00', 'OS02,B-3,bad,many,3.00', 'OS02,B-4,ragged'].join('\r\n') +
          '\r\n',
      ),
    );
    const two = await run(second);
    expect(two.code, two.stdout).toBe(0);
    expect(two.report).toMatchObject({ itemsRead: 304, new: 2, changed: 10, unchanged: 290, rejected: 2, writtenToDynamoDb: 12 });
    // The unchanged items are not called dropped (a reader of the closing line would think them lost),
    // and each output's rows are said apart (their sum, 314, read as more rows written than read).
    expect(two.stdout).toMatch(
      /run succeeded: 304 rows read, 302 written to \S+\.parquet, 12 to dynamodb:\S+, 2 rejected, 290 not written on purpose \(repeated keys, unchanged items/,
    );
    // Read twice (Parquet, then DynamoDB), counted once: the run's totals are the file's.
    expect(JSON.parse(readFileSync(two.reportFile as string, 'utf8'))).toMatchObject({
      rowsRead: 304,
      rowsRejected: 2,
      rowsWritten: 302 + 12,
    });
    const after2 = await items();
    expect(after2.size).toBe(302);
    expect(after2.get('TK01#A-3')?.['数量']).toEqual({ N: '1003' });
    expect(after2.get('TK01#A-3')?.['created_at']).toEqual(after1.get('TK01#A-3')?.['created_at']);
    expect(after2.get('TK01#A-3')?.['updated_at']).not.toEqual(after1.get('TK01#A-3')?.['updated_at']);
    expect(after2.get('TK01#A-200')?.['updated_at']).toEqual(after1.get('TK01#A-200')?.['updated_at']);
    expect(after2.get('OS02#B-1')?.['品名']).toEqual({ S: '髙橋式' });
    expect(stack.faults.dynamodb?.stats.errors).toBeGreaterThan(0);

    const rejects = readdirSync(join(dir, 'runs')).flatMap((run) => {
      try {
        return readFileSync(join(dir, 'runs', run, 'rejects.ndjson'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { line: number; code: string });
      } catch {
        return [];
      }
    });
    expect(rejects.map((r) => [r.line, r.code]).sort()).toEqual([
      [304, 'CAST'],
      [305, 'RAGGED_ROW'],
    ]);

    const parquetDir = join(dir, 'out', `run_date=${new Date().toISOString().slice(0, 10)}`);
    const files = readdirSync(parquetDir).sort();
    expect(files).toHaveLength(2);
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const result = await connection.runAndReadAll(
      `SELECT count(*)::INT n, sum("数量")::BIGINT q, max("単価")::VARCHAR p, min("品名") FROM read_parquet('${join(parquetDir, '*.parquet')}') WHERE "倉庫コード" = 'OS02'`,
    );
    expect(result.getRows()).toEqual([[2, 3n, '2.00', 'ナット～']]);
    // The second run's file holds every valid row of its CSV, typed: INTEGER quantities, DECIMAL prices.
    const typed = await connection.runAndReadAll(
      `SELECT "倉庫コード", "品番", "品名", "数量", "単価"::VARCHAR, typeof("数量"), typeof("単価") FROM read_parquet('${(two.report?.['parquetFiles'] as string[])[0]}') ORDER BY "倉庫コード", "品番"`,
    );
    const expected = [...changed, 'OS02,B-1,髙橋式,1,1.00', 'OS02,B-2,ナット～,2,2.00']
      .map((line) => line.split(','))
      .map(([w, code, name, qty, price]) => [w, code, name, Number(qty), price, 'INTEGER', 'DECIMAL(12,2)'])
      .sort((a, b) => (`${a[0]}\0${a[1]}` < `${b[0]}\0${b[1]}` ? -1 : 1)); // byte order, as DuckDB sorts VARCHAR
    expect(typed.getRows()).toEqual(expected);
    connection.closeSync();
  });

  it('resolves a key repeated in a later batch of the file to its last row, and writes errors under --error_prefix', async () => {
    // ~320 KB: two 256 KiB read batches. D-5 comes back as the very last row with another quantity.
    const rows = Array.from({ length: 9000 }, (_, i) => `DP03,D-${i},㈱テストナット,${i},1.00`);
    const path = join(dir, 'inventory-3.csv');
    writeFileSync(path, encodeCp932(header + [...rows, 'DP03,D-5,㈱テストナット,9999,1.00', 'DP03,D-6,bad,x,1.00'].join('\r\n') + '\r\n'));
    const errors = join(dir, 'errors');
    const three = await run(path, '--error_prefix', errors);
    expect(three.code, three.stdout).toBe(0);
    expect(three.report).toMatchObject({ itemsRead: 9002, new: 9000, duplicateKeys: 1, rejected: 1, writtenToDynamoDb: 9001 });
    const stored = await items();
    expect(stored.get('DP03#D-5')?.['数量']).toEqual({ N: '9999' });
    expect(stored.get('DP03#D-4')?.['数量']).toEqual({ N: '4' });
    const [runDir] = readdirSync(errors);
    expect(readdirSync(join(errors, runDir as string)).sort()).toEqual(
      expect.arrayContaining(['logs.ndjson', 'rejects.ndjson', 'report.json']),
    );

    const clash = await run(path, '--error_prefix', errors, '--run_output', join(dir, 'elsewhere'));
    expect(clash.code).toBe(2);
  });

  it.each([
    ['header-only', header],
    ['empty', ''],
  ])('takes a %s file as a success with a warning, creating and writing nothing', async (kind, text) => {
    const path = join(dir, `inventory-${kind}.csv`);
    writeFileSync(path, encodeCp932(text));
    const out = join(dir, 'out-empty');
    const empty = await run(path, '--table_prefix', 'emptyrun_', '--create_table', 'yes', '--output', out);
    expect(empty.code, empty.stdout + empty.stderr).toBe(0);
    expect(empty.stdout).toMatch(new RegExp(`inventory-${kind}\\.csv holds no rows: nothing was written`));
    expect(await tablesStartingWith('emptyrun_')).toEqual([]);
    expect(() => readdirSync(out)).toThrow(/ENOENT/);
  });

  it('fails on a missing table before reading the file, saying how to have it created', async () => {
    const path = join(dir, 'inventory-notable.csv');
    writeFileSync(path, encodeCp932(header + ['NT01,N-1,x,1,1.00', 'NT01,N-2,x,bad,2.00'].join('\r\n') + '\r\n'));
    const out = join(dir, 'out-notable');
    const missing = await run(path, '--table_prefix', 'notable_', '--output', out);
    expect(missing.code, missing.stdout + missing.stderr).toBe(1);
    expect(missing.stdout).toMatch(/no DynamoDB table name starts with \\"notable_\\": create it .*--create_table yes/);
    expect(JSON.parse(readFileSync(missing.reportFile as string, 'utf8'))).toMatchObject({ rowsRead: 0, rowsRejected: 0 });
    expect(() => readdirSync(out)).toThrow(/ENOENT/);
  });

  it('refuses a prefix DynamoDB cannot take as the name of the table to create, before anything is read', async () => {
    const path = join(dir, 'inventory-badname.csv');
    writeFileSync(path, encodeCp932(header + 'BN01,B-1,x,1,1.00\r\n'));
    const refused = await run(path, '--table_prefix', 'ab', '--create_table', 'yes', '--output', join(dir, 'out-badname'));
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(
      /--table_prefix: "ab" is not a DynamoDB table name: 3 to 255 characters.*--create_table yes would create/,
    );
    expect(await tablesStartingWith('ab')).toEqual([]);
    // Only a prefix when nothing is to be created: a short one is fine (here it matches no table).
    const prefixOnly = await run(path, '--table_prefix', 'zq', '--create_table', 'no', '--output', join(dir, 'out-badname'));
    expect(prefixOnly.code).toBe(1);
    expect(prefixOnly.stdout).toMatch(/no DynamoDB table name starts with \\"zq\\"/);
  });

  it('fails on a table keyed otherwise than the schema says before reading the file', async () => {
    const client = createDynamoDbClient({ ...stack.env });
    // Keyed by pk + sk: the schema has neither.
    await client.send(
      new CreateTableCommand({
        TableName: 'sortkeyed_2026',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    client.destroy();
    const path = join(dir, 'inventory-sortkeyed.csv');
    writeFileSync(path, encodeCp932(header + ['SK01,S-1,x,1,1.00', 'SK01,S-2,x,bad,2.00'].join('\r\n') + '\r\n'));
    const out = join(dir, 'out-sortkeyed');
    const failed = await run(path, '--table_prefix', 'sortkeyed_', '--output', out);
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stdout).toMatch(/sortkeyed_2026 is keyed by pk \+ sk; the schema needs both columns/);
    // Not read: no rows counted, no reject recorded.
    expect(JSON.parse(readFileSync(failed.reportFile as string, 'utf8'))).toMatchObject({ rowsRead: 0, rowsRejected: 0 });
    expect(() => readdirSync(out)).toThrow(/ENOENT/);
  });

  it('publishes no Parquet when a DynamoDB write fails after the file was converted', async () => {
    // Row 200 is an item over DynamoDB's 400 KB limit: its batch is refused after earlier batches were written.
    const rows = Array.from({ length: 300 }, (_, i) => `BG01,G-${i},${i === 200 ? 'x'.repeat(500_000) : 'item'},${i},1.00`);
    const path = join(dir, 'inventory-bigitem.csv');
    writeFileSync(path, encodeCp932(header + rows.join('\r\n') + '\r\n'));
    const out = join(dir, 'out-bigitem');
    const failed = await run(path, '--table_prefix', 'bigitem_', '--create_table', 'yes', '--output', out);
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stdout).toMatch(/[Ii]tem size/);
    expect(() => readdirSync(out)).toThrow(/ENOENT/);
  });

  it('stops at --max_rejects before the first DynamoDB write: no table, no item, no Parquet', async () => {
    const path = join(dir, 'inventory-maxrejects.csv');
    const rows = Array.from({ length: 50 }, (_, i) => `MR01,M-${i},x,${i === 10 || i === 40 ? 'bad' : i},1.00`);
    writeFileSync(path, encodeCp932(header + rows.join('\r\n') + '\r\n'));
    const out = join(dir, 'out-maxrejects');
    const stopped = await run(path, '--table_prefix', 'maxrejects_', '--create_table', 'yes', '--output', out, '--max_rejects', '1');
    expect(stopped.code, stopped.stdout + stopped.stderr).toBe(1);
    expect(stopped.stdout).toMatch(/more than --max_rejects 1/);
    // The Parquet rows counted as progress are not "written": nothing was.
    expect(JSON.parse(readFileSync(stopped.reportFile as string, 'utf8'))).toMatchObject({ rowsWritten: 0, rowsRejected: 2 });
    expect(await tablesStartingWith('maxrejects_')).toEqual([]);
    expect(() => readdirSync(out)).toThrow(/ENOENT/);
  });

  it('fails on a Parquet output that takes no writes before the first DynamoDB write: no table, no item', async () => {
    const path = join(dir, 'inventory-unwritable.csv');
    writeFileSync(path, encodeCp932(header + ['UW01,U-1,x,1,1.00', 'UW01,U-2,x,2,1.00'].join('\r\n') + '\r\n'));
    // A bucket that does not exist: the held Parquet would have failed only at publish, after the items.
    const failed = await run(path, '--table_prefix', 'unwritable_', '--create_table', 'yes', '--output', 's3://no-such-bucket-etl/out/');
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(/no-such-bucket-etl/);
    expect(await tablesStartingWith('unwritable_')).toEqual([]);
  });

  it('fails a file that is mostly rejects before the first DynamoDB write: no table created, no item, no Parquet', async () => {
    // 3 good rows, 2 bad: 40% rejected, more than the default --max_reject_ratio 0.1.
    const path = join(dir, 'inventory-bad.csv');
    writeFileSync(
      path,
      encodeCp932(
        header + ['RJ01,R-1,x,1,1.00', 'RJ01,R-2,x,2,1.00', 'RJ01,R-3,x,3,1.00', 'RJ01,R-4,x,many,1.00', 'RJ01,R-5'].join('\r\n'),
      ),
    );
    const out = join(dir, 'out-rejects');
    const bad = await run(path, '--table_prefix', 'rejected_', '--create_table', 'yes', '--output', out);
    expect(bad.code, bad.stdout + bad.stderr).toBe(1);
    expect(bad.stdout).toMatch(/2 of 5 records of .*inventory-bad\.csv rejected \(40\.0%, more than --max_reject_ratio 0\.1\)/);
    expect(await tablesStartingWith('rejected_')).toEqual([]);
    expect(() => readdirSync(out)).toThrow(/ENOENT/);
    // The failed run's report counts what was read and rejected (the converting pass counts for the run).
    expect(JSON.parse(readFileSync(bad.reportFile as string, 'utf8'))).toMatchObject({ outcome: 'failed', rowsRead: 5, rowsRejected: 2 });
    // Their rejects were recorded once, by the converting pass.
    expect(
      readFileSync(join(dirname(bad.reportFile as string), 'rejects.ndjson'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(2);
  });
});
