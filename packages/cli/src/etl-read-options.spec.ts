import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const etl = fileURLToPath(new URL('../bin/etl.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'etl-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const json = async (...args: string[]) => JSON.parse((await run(process.execPath, [etl, ...args])).stdout) as Record<string, unknown>;
const ndjson = async (...args: string[]) =>
  (await run(process.execPath, [etl, ...args])).stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);

describe('etl sniff read options', () => {
  it('takes the read options etl convert takes: skip-lines, header, delimiter, null values, encoding', async () => {
    // A title line above a headerless, pipe-delimited Latin-1 file with NA for missing values.
    const path = file('report.txt', Buffer.from('Stock on 1 Nov\nA|3|caf\xe9\nB|NA|th\xe9\n', 'latin1'));
    const sniffed = await json(
      'sniff',
      path,
      '--skip-lines',
      '1',
      '--no-header',
      '--delimiter',
      '|',
      '--null-values',
      'NA',
      '--encoding',
      'windows-1252',
    );
    expect(sniffed).toMatchObject({
      encoding: 'windows-1252',
      delimiter: '|',
      header: false,
      columns: [
        { name: 'column_1', type: 'varchar(1)', nullable: false },
        { name: 'column_2', type: 'smallint', nullable: true },
        { name: 'column_3', type: 'varchar(5)', nullable: false },
      ],
      sampledRows: 2,
    });
    // The same options read the same file for etl cat.
    const catArgs = [
      '--skip-lines',
      '1',
      '--no-header',
      '--delimiter',
      '|',
      '--null-values',
      'NA',
      '--encoding',
      'windows-1252',
      '--format',
      'csv',
    ];
    expect(await ndjson('cat', path, ...catArgs)).toEqual([
      { column_1: 'A', column_2: 3, column_3: 'café' },
      { column_1: 'B', column_2: null, column_3: 'thé' },
    ]);
  });

  it('types a column over every record with --infer-from file', async () => {
    const path = file('late.csv', `id,code\n${Array.from({ length: 90_000 }, (_, i) => `${i},${i}`).join('\n')}\n90000,N/A\n`);
    expect(await json('sniff', path, '--infer-from', 'file')).toMatchObject({
      columns: [{ type: 'int' }, { type: 'varchar(5)' }],
      sampledRows: 90_001,
    });
  });
});

describe('decimal and group separators during type inference', () => {
  const german = 'Artikel;Preis;Bestand\nA;1,7;200.000\nB;12,25;1.500.000\n';

  it('etl sniff --decimal-separator , infers 1,7 as a decimal (and --group-separator . 200.000 as an integer)', async () => {
    const path = file('preise.csv', german);
    expect(await json('sniff', path, '--decimal-separator', ',', '--group-separator', '.')).toMatchObject({
      delimiter: ';',
      columns: [
        { name: 'Artikel', type: 'varchar(1)' },
        { name: 'Preis', type: 'decimal(4,2)' },
        { name: 'Bestand', type: 'int' },
      ],
    });
  });

  it('etl convert without a schema reads them as exact numbers instead of text', async () => {
    const path = file('preise2.csv', german);
    const out = join(dir, 'preise.parquet');
    expect(await json('convert', path, out, '--decimal-separator', ',', '--group-separator', '.')).toMatchObject({
      rowsWritten: 2,
      rowsRejected: 0,
    });
    expect(await ndjson('cat', out)).toEqual([
      { Artikel: 'A', Preis: '1.70', Bestand: 200000 },
      { Artikel: 'B', Preis: '12.25', Bestand: 1500000 },
    ]);
  });

  it('a group separator that is also the decimal separator is a usage error', async () => {
    await expect(run(process.execPath, [etl, 'sniff', 'x.csv', '--group-separator', '.'])).rejects.toMatchObject({
      code: 2,
      stderr: 'etl sniff: --group-separator . needs --decimal-separator , (it cannot be both); see etl sniff --help\n',
    });
  });
});
