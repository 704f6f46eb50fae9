import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
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
    await expect(run(process.execPath, [etl, 'sniff', join(dir, 'nope.csv')])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('nope.csv does not exist') });
    await expect(run(process.execPath, [etl, 'sniff'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('etl sniff takes exactly one file') });
    await expect(run(process.execPath, [etl, 'frobnicate'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
  });
});
