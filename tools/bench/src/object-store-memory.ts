/**
 * Streams a large generated object through the object store (get -> put) and prints the peak RSS of
 * the process that did it, next to a reference process that only generates and discards the bytes.
 * Each scenario runs in a child process of its own, because peak RSS is a per-process high-water mark.
 *
 *   npx nx run bench:object-store-memory                  # 1 GiB, local files and S3 (moto)
 *   npx nx run bench:object-store-memory -- --size-mb 256 --backends local --part-size-mb 16 --queue-size 2
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { peakRssBytes } from '@etl/core';
import { startLocalAws } from '@etl/local-aws';
import { createObjectStore, createS3Client, type ObjectStore } from '@etl/object-store';
import { generatedBytes } from './generated-bytes.js';
import { option } from './bench-args.js';

const MiB = 1024 * 1024;
const GOAL_PEAK_RSS_MB = 200;

interface Measurement {
  scenario: string;
  megabytes: number;
  seconds: number;
  peakRssMb: number;
}

async function child(): Promise<void> {
  const scenario = option('scenario', '');
  const bytes = Number(option('bytes', '0'));
  const partSize = Number(option('part-size-mb', '8')) * MiB;
  const queueSize = Number(option('queue-size', '2'));
  const store: ObjectStore = createObjectStore({ s3: { partSize, queueSize } });
  const started = performance.now();
  if (scenario === 'reference') {
    for await (const chunk of generatedBytes(bytes)) void chunk;
  } else if (scenario === 'put') {
    await store.put(option('to', ''), generatedBytes(bytes));
  } else if (scenario === 'copy') {
    await store.put(option('to', ''), await store.get(option('from', '')));
  } else throw new Error(`unknown scenario ${scenario}`);
  const result: Measurement = {
    scenario,
    megabytes: bytes / MiB,
    seconds: (performance.now() - started) / 1000,
    peakRssMb: peakRssBytes() / MiB,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(args: string[], env: NodeJS.ProcessEnv): Promise<Measurement> {
  const passOn = ['part-size-mb', 'queue-size'].flatMap((name) =>
    process.argv.includes(`--${name}`) ? [`--${name}`, option(name, '')] : [],
  );
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', ...args, ...passOn], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.once('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Measurement)
        : reject(new Error(`${args.join(' ')} exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const sizeMb = Number(option('size-mb', '1024'));
  const backends = option('backends', 'local,s3').split(',');
  const bytes = sizeMb * MiB;
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const rows: Array<Measurement & { backend: string }> = [];
  const reference = await runChild(['--scenario', 'reference', '--bytes', String(bytes)], env);
  rows.push({ ...reference, backend: '-' });

  for (const backend of backends) {
    if (backend === 'local') {
      const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
      try {
        rows.push({ ...(await runChild(['--scenario', 'put', '--bytes', String(bytes), '--to', join(dir, 'a.bin')], env)), backend });
        rows.push({
          ...(await runChild(
            ['--scenario', 'copy', '--bytes', String(bytes), '--from', join(dir, 'a.bin'), '--to', join(dir, 'b.bin')],
            env,
          )),
          backend,
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else if (backend === 's3') {
      const stack = await startLocalAws({ services: ['s3'] });
      try {
        const s3Env = { ...env, ...stack.env };
        const client = createS3Client(s3Env);
        await client.send(new CreateBucketCommand({ Bucket: 'bench' }));
        client.destroy();
        rows.push({
          ...(await runChild(['--scenario', 'put', '--bytes', String(bytes), '--to', 's3://bench/a.bin'], s3Env)),
          backend: 's3 (moto)',
        });
        rows.push({
          ...(await runChild(
            ['--scenario', 'copy', '--bytes', String(bytes), '--from', 's3://bench/a.bin', '--to', 's3://bench/b.bin'],
            s3Env,
          )),
          backend: 's3 (moto)',
        });
      } finally {
        await stack.stop();
      }
    } else throw new Error(`unknown backend ${backend}`);
  }

  console.log(`\nObject store streaming memory, ${sizeMb} MiB object, ${new Date().toISOString().slice(0, 10)}, node ${process.version}`);
  console.log('backend     scenario    MiB     seconds  MiB/s    peak RSS MiB  vs reference  goal');
  for (const r of rows) {
    const goal =
      r.scenario === 'reference' ? '' : r.peakRssMb < GOAL_PEAK_RSS_MB ? `< ${GOAL_PEAK_RSS_MB} ok` : `< ${GOAL_PEAK_RSS_MB} MISSED`;
    console.log(
      `${r.backend.padEnd(11)} ${r.scenario.padEnd(10)} ${r.megabytes.toFixed(0).padStart(6)}  ${r.seconds.toFixed(1).padStart(7)}  ${(r.megabytes / r.seconds).toFixed(0).padStart(6)}  ${r.peakRssMb.toFixed(0).padStart(12)}  ${(r.peakRssMb / reference.peakRssMb).toFixed(2).padStart(12)}x  ${goal}`,
    );
  }
  if (rows.some((r) => r.scenario !== 'reference' && r.peakRssMb >= GOAL_PEAK_RSS_MB)) process.exitCode = 1;
}

if (process.argv.includes('--child')) await child();
else await main();
