import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { readText, type ObjectStore } from '@etl/object-store';
import type { CampaignSpec } from './campaign.js';
import { finishRun, prepareRun, startPipeline, type CampaignContext } from './campaign-run.js';
import { repoRoot } from './campaigns.js';
import type { HostileCase } from './hostile-cases.js';
import { judgeInputRun, type InputOutcome, type RowCounts } from './input-verdict.js';
import { startBundled, type Finished } from './run-bundled.js';

/** Where the copied third-party corpus lives (corpus/MANIFEST.md: sources, commits, licenses). */
export const corpusRoot = join(repoRoot, 'tools', 'chaos', 'corpus');
/** The `etl` command's bundle (`nx run cli:bundle`). */
export const etlBundle = join(repoRoot, 'packages', 'cli', 'dist', 'etl.mjs');

const NOT_INPUT = /(^|\/)(MANIFEST\.md|LICENSE[^/]*|COPYING[^/]*|license\.md|FILES\.tsv)$/;

/** Every data file of the corpus (not its manifests and licenses), sorted. */
export function corpusFiles(root = corpusRoot): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (!NOT_INPUT.test(path)) files.push(path);
    }
  };
  walk(root);
  return files;
}

/** One target's figures: every input's outcome and what broke the rules. */
export interface InputsFigures {
  target: string;
  inputs: number;
  outcomes: Record<InputOutcome, number>;
  problems: string[];
}

export interface InputsOptions {
  /** Local files given to `etl convert`. */
  convertFiles: readonly string[];
  /** Local files given to each CSV-reading pipeline. */
  pipelineFiles: readonly string[];
  specs: readonly CampaignSpec[];
  log?: (line: string) => void;
}

/** chaos:inputs: each file through `etl convert` and through every pipeline that reads CSV, judged by `judgeInputRun`. */
export async function inputsCampaign(context: CampaignContext, options: InputsOptions): Promise<InputsFigures[]> {
  const all: InputsFigures[] = [];
  const convert = figuresFor('etl convert');
  const workDir = join(context.workRoot, 'convert');
  mkdirSync(workDir, { recursive: true });
  for (const [i, file] of options.convertFiles.entries()) {
    const output = join(workDir, `${i}-${basename(file)}${file.endsWith('.parquet') ? '.ndjson' : '.parquet'}`);
    const run = await startBundled(etlBundle, ['convert', file, output], { cwd: workDir, env: {} }).done;
    const lines = nonEmpty(run.stderr);
    record(convert, file, run, { lines, oneLine: true }, run.code === 0 ? convertCounts(run.stdout) : undefined, options.log);
  }
  all.push(convert);
  for (const spec of options.specs) {
    if (!spec.csv) continue;
    const figures = figuresFor(spec.pipeline);
    for (const file of options.pipelineFiles) {
      const kit = await prepareRun(context, spec, { rows: 10 });
      // Each file alone in its folder (a local path: a pipeline reads paths as it reads s3:// URIs).
      const folder = join(kit.workDir, 'hostile');
      mkdirSync(folder, { recursive: true });
      const input = join(folder, basename(file));
      copyFileSync(file, input);
      const run = await startPipeline(context, spec, kit, spec.csv.args(kit, spec.csv.prefix ? `${folder}/` : input)).done;
      record(
        figures,
        file,
        run,
        { lines: pipelineFailure(run), oneLine: false },
        run.code === 0 ? await pipelineCounts(run.stdout, kit.workDir, context.clients.objects) : undefined,
        options.log,
      );
      await finishRun(context, spec, kit); // the copied file too (a 1 GiB line, per pipeline)
    }
    all.push(figures);
  }
  return all;
}

/** Writes the generated cases into `dir`, returning their paths. */
export async function writeHostileCases(dir: string, cases: readonly HostileCase[]): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (const c of cases) {
    const path = join(dir, c.name);
    await c.write(path);
    paths.push(path);
  }
  return paths;
}

function figuresFor(target: string): InputsFigures {
  return { target, inputs: 0, outcomes: { completed: 0, failed: 0, refused: 0, crashed: 0 }, problems: [] };
}

function record(
  figures: InputsFigures,
  file: string,
  run: Finished,
  failure: { lines: readonly string[]; oneLine: boolean },
  counts: RowCounts | undefined,
  log?: (line: string) => void,
): void {
  const verdict = judgeInputRun(file, run, failure, counts);
  figures.inputs++;
  figures.outcomes[verdict.outcome]++;
  const shown = file.startsWith(corpusRoot) ? file.slice(corpusRoot.length + 1) : basename(file);
  for (const problem of verdict.problems) figures.problems.push(`${shown}: ${problem}`);
  log?.(`${figures.target}: ${shown}: ${verdict.outcome}${verdict.problems.length ? ` (${verdict.problems.join('; ')})` : ''}`);
}

function nonEmpty(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

function convertCounts(stdout: string): RowCounts | undefined {
  try {
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { rowsRead: number; rowsWritten: number; rowsRejected: number };
    return { read: report.rowsRead, written: report.rowsWritten, rejected: report.rowsRejected };
  } catch {
    return undefined;
  }
}

/** A pipeline's log lines as objects (its stdout is JSON lines). */
function logLines(stdout: string): Array<Record<string, unknown>> {
  return stdout.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** What a pipeline said about its failure: its error log lines and its stderr (a refusal's lines). */
function pipelineFailure(run: Finished): string[] {
  const errors = logLines(run.stdout)
    .filter((l) => l['level'] === 'error' || l['level'] === 'fatal')
    .map((l) => String(l['msg']));
  return [...errors, ...nonEmpty(run.stderr)];
}

/**
 * The run's closing line (`run succeeded: …`) carries rowsRead, rowsWritten, rowsRejected and
 * rowsDropped, and names its report, whose components give each sink's figures.
 */
async function pipelineCounts(stdout: string, cwd: string, objects: ObjectStore): Promise<RowCounts | undefined> {
  const last = logLines(stdout)
    .reverse()
    .find((l) => typeof l['rowsRead'] === 'number');
  if (!last) return undefined;
  const counts = {
    read: Number(last['rowsRead']),
    written: Number(last['rowsWritten']),
    rejected: Number(last['rowsRejected']),
    dropped: Number(last['rowsDropped'] ?? 0),
  };
  const uri = String(last['report'] ?? '');
  if (!uri) return counts;
  // The store reads S3 and local paths alike; a relative one is the run's, under its working folder.
  const text = await readText(objects, uri.includes('://') || isAbsolute(uri) ? uri : join(cwd, uri));
  const components = (
    JSON.parse(text) as { components?: Record<string, { role: string; rowsOut: number; rejected: number; dropped: number }> }
  ).components;
  const sinks = Object.entries(components ?? {})
    .filter(([, c]) => c.role === 'sink')
    .map(([name, c]) => ({ name, rowsOut: c.rowsOut, rejected: c.rejected, dropped: c.dropped }));
  return { ...counts, sinks };
}
