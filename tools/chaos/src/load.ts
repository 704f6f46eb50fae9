import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { CampaignSpec } from './campaign.js';
import { finishRun, prepareRun, startPipeline, tail, type CampaignContext } from './campaign-run.js';
import { etlBundle } from './inputs.js';
import { startBundled } from './run-bundled.js';

/** One load run: what it read, how fast, its peak RSS against its bound. */
export interface LoadFigures {
  target: string;
  input: string;
  seconds: number;
  /** Rows/s for the many-files runs, MiB/s for the big file. */
  throughput: string;
  peakRssMiB: number;
  boundMiB: number;
  exit: number | null;
  problems: string[];
}

const MiB = 1024 * 1024;

/** chaos:load for one pipeline with `manyFiles`: `files` small files under one prefix, one run. */
export async function manyFilesLoad(
  context: CampaignContext,
  spec: CampaignSpec,
  options: { files: number; rowsPerFile: number },
): Promise<LoadFigures> {
  const manyFiles = spec.manyFiles;
  if (!manyFiles) throw new Error(`${spec.pipeline} declares no manyFiles`);
  const kit = await prepareRun(context, spec, { rows: options.rowsPerFile }, (k) => manyFiles(k, options));
  const started = Date.now();
  const run = await startPipeline(context, spec, kit).done;
  const seconds = (Date.now() - started) / 1000;
  await finishRun(context, spec, kit);
  const rows = options.files * options.rowsPerFile;
  return judged({
    target: spec.pipeline,
    input: `${options.files} files x ${options.rowsPerFile} rows`,
    seconds,
    throughput: `${Math.round(rows / seconds)} rows/s`,
    peakRssMiB: Math.round(run.peakRss / MiB),
    boundMiB: spec.memoryMiB,
    exit: run.code,
    problems: run.code === 0 ? [] : [`exited ${run.code}: ${tail(run, 3)}`],
  });
}

/** chaos:load's big file: a generated CSV of `mib` MiB through `etl convert` to Parquet. Disk: the file and its Parquet. */
export async function bigFileConvert(context: CampaignContext, options: { mib: number; boundMiB: number }): Promise<LoadFigures> {
  const dir = join(context.workRoot, 'big');
  mkdirSync(dir, { recursive: true });
  const input = join(dir, 'big.csv');
  await writeBigCsv(input, options.mib * MiB);
  const started = Date.now();
  const run = await startBundled(etlBundle, ['convert', input, join(dir, 'big.parquet')], { cwd: dir, env: {} }).done;
  const seconds = (Date.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return judged({
    target: 'etl convert',
    input: `${options.mib} MiB CSV`,
    seconds,
    throughput: `${(options.mib / seconds).toFixed(1)} MiB/s`,
    peakRssMiB: Math.round(run.peakRss / MiB),
    boundMiB: options.boundMiB,
    exit: run.code,
    problems: run.code === 0 ? [] : [`exited ${run.code}: ${tail(run, 3)}`],
  });
}

function judged(figures: LoadFigures): LoadFigures {
  if (figures.peakRssMiB > figures.boundMiB)
    figures.problems.push(`peak RSS ${figures.peakRssMiB} MiB over its bound of ${figures.boundMiB} MiB`);
  return figures;
}

/** Orders-like rows (id, decimal, text, date, timestamp) up to `bytes`, written in 1 MiB chunks. */
async function writeBigCsv(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,amount,note,ordered_on,updated_at\n');
  let written = 0;
  for (let i = 0; written < bytes;) {
    const lines: string[] = [];
    for (let size = 0; size < MiB; i++) {
      const line = `${i},${i % 100000}.${String(i % 100).padStart(2, '0')},"note ${i % 7919}, with a comma",2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')},2026-12-01T10:${String(i % 60).padStart(2, '0')}:00Z\n`;
      lines.push(line);
      size += line.length;
    }
    const chunk = lines.join('');
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
