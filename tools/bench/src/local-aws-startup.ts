/**
 * How long `serve` (the bundled local AWS stack) takes to print `ready`, cold and warm, and whether it
 * leaves processes behind after SIGTERM. Goal: ready within 10 s.
 *
 *   npx nx run bench:local-aws-startup            # 3 runs, PGlite warehouse
 *   npx nx run bench:local-aws-startup -- --runs 5 --warehouse postgres
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { option } from './bench-args.js';

const GOAL_MS = 10_000;
const serve = fileURLToPath(new URL('../../local-aws/dist/serve.mjs', import.meta.url));

async function once(dataDir: string, warehouse: string): Promise<{ readyMs: number; stopMs: number; leftovers: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [serve, '--data-dir', dataDir, '--warehouse', warehouse], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
  const readyMs = performance.now() - started;
  const port = /AWS_ENDPOINT_URL_S3=http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1] ?? '';
  const stopping = performance.now();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  const stopMs = performance.now() - stopping;
  return { readyMs, stopMs, leftovers: processesMatching(`moto_server -H 127.0.0.1 -p ${port}`) };
}

function processesMatching(pattern: string): number {
  try {
    return Number(execFileSync('pgrep', ['-fc', pattern]).toString().trim());
  } catch {
    return 0; // pgrep exits 1 when nothing matches
  }
}

const runs = Number(option('runs', '3'));
const warehouse = option('warehouse', 'pglite');
const dataDir = mkdtempSync(join(tmpdir(), 'bench-serve-'));
try {
  console.log(
    `\nlocal AWS stack startup (serve, --warehouse ${warehouse}), ${new Date().toISOString().slice(0, 10)}, node ${process.version}`,
  );
  console.log('run  ready ms  stop ms  processes left  goal');
  let missed = false;
  for (let i = 1; i <= runs; i++) {
    const r = await once(dataDir, warehouse);
    const ok = r.readyMs < GOAL_MS && r.leftovers === 0;
    missed ||= !ok;
    console.log(
      `${String(i).padStart(3)}  ${r.readyMs.toFixed(0).padStart(8)}  ${r.stopMs.toFixed(0).padStart(7)}  ${String(r.leftovers).padStart(14)}  ${ok ? `< ${GOAL_MS} ok` : 'MISSED'}`,
    );
  }
  if (missed) process.exitCode = 1;
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
