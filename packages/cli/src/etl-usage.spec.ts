import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const etl = fileURLToPath(new URL('../bin/etl.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'etl-usage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a call printed and its exit code, whether or not it failed. */
async function call(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [etl, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('etl usage errors', () => {
  it('are one line naming the problem and the command help, exit code 2', async () => {
    expect(await call('convert', 'a.csv')).toEqual({ code: 2, stdout: '', stderr: 'etl convert: missing <out>; see etl convert --help\n' });
    expect(await call('sql')).toEqual({ code: 2, stdout: '', stderr: 'etl sql: missing "<query>"; see etl sql --help\n' });
    expect(await call('cat', 'x.parquet', '--limit', 'ten', '--format', 'xlsx')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'etl cat: --limit must be a whole number, got ten; --format must be one of csv, parquet, ndjson, got xlsx; see etl cat --help\n',
    });
    expect(await call('sql', 'SELECT 1', '--database', 'dev')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'etl sql: --database is for Redshift: give --workgroup or --cluster-id too; see etl sql --help\n',
    });
    expect(await call()).toEqual({ code: 2, stdout: '', stderr: 'etl: which command? sniff, convert, cat, sql; see etl --help\n' });
    expect(await call('conver', 'a.csv', 'b.csv')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'etl: unknown command "conver"; did you mean convert?; see etl --help\n',
    });
  });

  it('name an unknown option with the one meant', async () => {
    expect(await call('sniff', 'x.csv', '--skip-line', '2')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'etl sniff: unknown option --skip-line; did you mean --skip-lines?; see etl sniff --help\n',
    });
    expect(await call('sql', 'SELECT 1', '--workgroupe', 'wg')).toMatchObject({
      code: 2,
      stderr: 'etl sql: unknown option --workgroupe; did you mean --workgroup?; see etl sql --help\n',
    });
  });
});

describe('etl option names', () => {
  it('take --a_b as --a-b everywhere, as the pipelines write them', async () => {
    const file = join(dir, 'titled.csv');
    writeFileSync(file, 'Stock report\nsku;qty\nA;1,5\nB;2\n');
    const dashed = await call('sniff', file, '--skip-lines', '1', '--decimal-separator', ',');
    const underscored = await call('sniff', file, '--skip_lines', '1', '--decimal_separator=,');
    expect(dashed.code).toBe(0);
    expect(underscored).toEqual(dashed);
    expect(await call('convert', 'a.csv', 'b.parquet', '--max_rejects', 'many')).toMatchObject({
      code: 2,
      stderr: 'etl convert: --max-rejects must be a whole number, got many; see etl convert --help\n',
    });
  });
});

describe('etl help', () => {
  it('lists the commands (etl help, etl --help), and etl <command> --help shows that command', async () => {
    const list = await call('help');
    expect(list).toMatchObject({ code: 0, stderr: '' });
    for (const command of ['sniff <path-or-s3-uri>', 'convert <in> <out>', 'cat <path-or-s3-uri>', 'sql "<query>"'])
      expect(list.stdout).toContain(`  ${command}`);
    expect(await call('--help')).toEqual(list);
    const convert = await call('convert', '--help');
    expect(convert).toMatchObject({ code: 0, stderr: '' });
    expect(convert.stdout.split('\n')[0]).toBe('usage: etl convert <in> <out> [options]');
    // The read options are one definition, listed by each command that reads a file.
    for (const command of ['sniff', 'convert', 'cat']) {
      const help = (await call(command, '-h')).stdout;
      for (const option of ['--encoding LABEL', '--[no-]header', '--skip-lines N', '--decimal-separator ,', '--infer-from sample|file'])
        expect(help).toContain(option);
    }
    expect(await call('help', 'sql')).toEqual(await call('sql', '--help'));
    expect((await call('sql', '--help')).stdout).toContain('--local-dir DIR');
  });
});
