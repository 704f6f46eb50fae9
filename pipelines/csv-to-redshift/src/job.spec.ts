import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createObjectStore } from '@etl/object-store';
import { runJob } from '@etl/runtime';
import { PgliteWarehouse } from '@etl/warehouse';
import { afterAll } from 'vitest';
import { csvToRedshiftAcceptance } from './acceptance.contract.js';
import { csvToRedshiftJob } from './job.js';

/** The acceptance scenarios on the embedded defaults: local files and the PGlite warehouse under --local_dir. */
const dir = mkdtempSync(join(tmpdir(), 'csv-to-redshift-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const localDir = join(dir, 'local');
const stagingPrefix = join(dir, 'staging/');
mkdirSync(join(dir, 'in'), { recursive: true });

function capture(): Writable & { text: string } {
  const out = Object.assign(new Writable({ write: (chunk, _e, cb) => ((out.text += String(chunk)), cb()) }), { text: '' });
  return out;
}

csvToRedshiftAcceptance('embedded defaults (local files, PGlite)', () => ({
  objects: createObjectStore(),
  stagingPrefix,
  async run(...argv) {
    const stdout = capture();
    const code = await runJob(csvToRedshiftJob, {
      argv: [...argv, '--local_dir', localDir, '--staging_prefix', stagingPrefix],
      env: {},
      stdout,
      stderr: capture(),
      handleSignals: false,
    });
    return { code, stdout: stdout.text };
  },
  // Opened between runs: PGlite allows one process at a time.
  async query(sql) {
    const warehouse = await PgliteWarehouse.open({ dataDir: join(localDir, 'warehouse'), objects: createObjectStore() });
    try {
      return (await warehouse.query(sql)).rows;
    } finally {
      await warehouse.close();
    }
  },
  async put(name, content) {
    const path = join(dir, 'in', name);
    writeFileSync(path, content);
    return path;
  },
}));
