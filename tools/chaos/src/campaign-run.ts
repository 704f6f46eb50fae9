import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CampaignKit, CampaignScale, CampaignSpec, Digest } from './campaign.js';
import { withoutNames } from './digest-diff.js';
import { closeKit, openKit, type StackClients } from './kit.js';
import { bundledMain, startBundled, type Finished, type Started } from './run-bundled.js';

/** One campaign's shared state: the stack's clients, a work folder, and a counter that names each run's bucket. */
export interface CampaignContext {
  clients: StackClients;
  workRoot: string;
  /** The environment a pipeline runs with (the stack's, possibly through fault proxies). */
  env: Readonly<Record<string, string>>;
  runs: number;
}

/** A run's kit with its inputs seeded. */
export type PreparedRun = CampaignKit & { suffix: string };

/** A new run's kit, its inputs written by `seed` (the spec's own by default). */
export async function prepareRun(
  context: CampaignContext,
  spec: CampaignSpec,
  scale: CampaignScale,
  seed: (kit: CampaignKit) => Promise<void> = (kit) => spec.seed(kit, scale),
): Promise<PreparedRun> {
  const run = ++context.runs;
  const workDir = join(context.workRoot, `run-${run}`);
  mkdirSync(workDir, { recursive: true });
  const kit = await openKit(context.clients, { pipeline: spec.pipeline, run, workDir });
  await seed(kit);
  return kit;
}

/** A run compared: its folder and what it made on the shared stack go (`closeKit`). */
export async function finishRun(context: CampaignContext, spec: CampaignSpec, kit: PreparedRun): Promise<void> {
  rmSync(kit.workDir, { recursive: true, force: true });
  await closeKit(context.clients, kit, spec.services);
}

/** Starts the bundled pipeline in the run's folder; `env` replaces the campaign's (a faulty stack's endpoints). */
export function startPipeline(
  context: CampaignContext,
  spec: CampaignSpec,
  kit: CampaignKit,
  args = spec.args(kit),
  env = context.env,
): Started {
  return startBundled(bundledMain(spec.pipeline), args, { cwd: kit.workDir, env });
}

/** The run's digest with its own names taken out. */
export async function digestOf(spec: CampaignSpec, kit: PreparedRun): Promise<Digest> {
  return withoutNames(await spec.digest(kit), { bucket: kit.bucket, suffix: kit.suffix });
}

/** The last lines a failed run printed, for a one-paragraph report. */
export function tail(finished: Finished, lines = 5): string {
  return `${finished.stdout}\n${finished.stderr}`.trim().split('\n').slice(-lines).join('\n');
}

/**
 * The runtime's first log line, `run <id> of <job> started`: logged once modules are loaded and the
 * arguments checked, before the job's first read or write. Kill moments are measured from it, so
 * they spread over the work and not over Node's start (about half of a short run).
 */
export const RUN_STARTED = /"msg":"run \S+ of \S+ .*started/;

/** An uninterrupted run on the stand-ins directly: the reference final state, and how long it took. */
export interface CleanRun {
  digest: Digest;
  durationMs: number;
  /** From its `RUN_STARTED` line to its end: the span kill moments are drawn from. */
  workMs: number;
}

export async function cleanRun(context: CampaignContext, spec: CampaignSpec, scale: CampaignScale): Promise<CleanRun> {
  const kit = await prepareRun(context, spec, scale);
  const started = Date.now();
  const run = startPipeline(context, spec, kit);
  const anchored = await run.logged(RUN_STARTED);
  const workStarted = Date.now();
  const finished = await run.done;
  const ended = Date.now();
  if (finished.code !== 0) throw new Error(`${spec.pipeline}: the uninterrupted run exited ${finished.code}:\n${tail(finished)}`);
  const digest = await digestOf(spec, kit);
  await finishRun(context, spec, kit);
  if (!anchored) throw new Error(`${spec.pipeline}: the uninterrupted run never logged the runtime's start line (run … started)`);
  return { digest, durationMs: ended - started, workMs: ended - workStarted };
}
