import { setTimeout as delay } from 'node:timers/promises';
import { seededRandom } from '@etl/core';
import type { CampaignScale, CampaignSpec } from './campaign.js';
import {
  cleanRun,
  digestOf,
  finishRun,
  prepareRun,
  RUN_STARTED,
  startPipeline,
  tail,
  type CampaignContext,
  type CleanRun,
} from './campaign-run.js';
import { diffDigests } from './digest-diff.js';
import { pendingUploads } from './kit.js';
import { phaseAt } from './phase.js';

/** A crash campaign's figures for one pipeline: every count but `runs` and `kills` must be 0. */
export interface CrashFigures {
  pipeline: string;
  runs: number;
  /** Kills by the phase the log says the run was in; `ended` when the run finished before its moment came. */
  kills: Record<string, number>;
  lost: number;
  duplicated: number;
  /** Rows the uninterrupted run does not have (a changed value). */
  unexpected: number;
  /** Multipart uploads left pending in the run's bucket after the rerun. */
  orphans: number;
  /** Staging the rerun added and left (tables, staged files), beyond what the killed run left. */
  leftovers: number;
  /** Staging the killed run left and the rerun did not sweep (informational: swept once stale, see the pipeline's README). */
  killedStaging: number;
  /** Watermarks ahead of the published data, after the kill or after the rerun. */
  watermarkAhead: number;
  /** Reruns that did not exit 0. */
  failedReruns: number;
  /** What went wrong, one line each. */
  problems: string[];
  /** The uninterrupted run's duration. */
  cleanMs: number;
  /** Its work (from the runtime's start line to its end): the span the kill moments were spread over. */
  workMs: number;
}

export interface CrashOptions {
  /**
   * Kills to make: runs that were killed while still going. A run that finishes before its moment
   * comes (`ended`) is run and compared all the same but does not count; at most `3 × runs` runs.
   */
  runs: number;
  seed: number;
  scale: CampaignScale;
  /** The reference run, when the caller has one for the same scale (else one is made). */
  clean?: CleanRun;
  /** Progress lines (one per run). */
  log?: (line: string) => void;
}

/**
 * Kills a pipeline outright (SIGKILL) at seeded moments spread uniformly over an uninterrupted run's
 * work (from the runtime's start line, `RUN_STARTED`, to its end: Node's own start is left out),
 * reruns it to completion and compares its final state with the uninterrupted run's.
 */
export async function crashCampaign(context: CampaignContext, spec: CampaignSpec, options: CrashOptions): Promise<CrashFigures> {
  const random = seededRandom(options.seed);
  const clean = options.clean ?? (await cleanRun(context, spec, options.scale));
  const figures: CrashFigures = {
    pipeline: spec.pipeline,
    runs: 0,
    // In run order, so the table reads as the run went.
    kills: Object.fromEntries(['starting', ...spec.phases.map((p) => p.phase), 'ended'].map((phase) => [phase, 0])),
    lost: 0,
    duplicated: 0,
    unexpected: 0,
    orphans: 0,
    leftovers: 0,
    killedStaging: 0,
    watermarkAhead: 0,
    failedReruns: 0,
    problems: [],
    cleanMs: clean.durationMs,
    workMs: clean.workMs,
  };
  let killedRuns = 0;
  for (let i = 0; killedRuns < options.runs && i < 3 * options.runs; i++) {
    const moment = Math.round(random() * clean.workMs);
    const kit = await prepareRun(context, spec, options.scale);
    const killed = startPipeline(context, spec, kit);
    if (await killed.logged(RUN_STARTED)) await Promise.race([delay(moment), killed.done]);
    const phase = killed.child.exitCode === null && killed.child.signalCode === null ? phaseAt(killed.stdout(), spec.phases) : 'ended';
    killed.child.kill('SIGKILL');
    await killed.done;
    figures.runs++;
    figures.kills[phase] = (figures.kills[phase] ?? 0) + 1;
    if (phase !== 'ended') killedRuns++;

    const stagingAfterKill = (await spec.staging?.(kit)) ?? [];
    const aheadAfterKill = (await spec.watermarkAhead?.(kit)) ?? [];
    const rerun = await startPipeline(context, spec, kit).done;
    if (rerun.code !== 0) figures.failedReruns++;
    if (rerun.code !== 0)
      figures.problems.push(
        `run ${i + 1} (killed ${moment} ms into its work, ${phase}): the rerun exited ${rerun.code}: ${tail(rerun, 3)}`,
      );
    const diff = diffDigests(clean.digest, await digestOf(spec, kit));
    figures.lost += diff.lost;
    figures.duplicated += diff.duplicated;
    figures.unexpected += diff.unexpected;
    if (diff.examples.length > 0)
      figures.problems.push(`run ${i + 1} (killed ${moment} ms into its work, ${phase}): ${diff.examples.join('; ')}`);
    const orphans = await pendingUploads(context.clients.s3, kit.bucket);
    figures.orphans += orphans.length;
    if (orphans.length > 0)
      figures.problems.push(`run ${i + 1} (killed ${moment} ms into its work, ${phase}): uploads pending: ${orphans.join(', ')}`);
    const stagingAfterRerun = (await spec.staging?.(kit)) ?? [];
    const leftovers = stagingAfterRerun.filter((s) => !stagingAfterKill.includes(s));
    figures.leftovers += leftovers.length;
    figures.killedStaging += stagingAfterRerun.length - leftovers.length;
    if (leftovers.length > 0) figures.problems.push(`run ${i + 1}: the rerun left staging: ${leftovers.join(', ')}`);
    const ahead = [...aheadAfterKill, ...((await spec.watermarkAhead?.(kit)) ?? [])];
    figures.watermarkAhead += ahead.length;
    for (const line of ahead) figures.problems.push(`run ${i + 1} (killed ${moment} ms into its work, ${phase}): watermark ahead: ${line}`);
    options.log?.(
      `${spec.pipeline} run ${i + 1} (kill ${killedRuns}/${options.runs}): killed ${moment}/${clean.workMs} ms into its work (${phase}); lost ${diff.lost}, duplicated ${diff.duplicated}`,
    );
    await finishRun(context, spec, kit);
  }
  return figures;
}

/** Whether a campaign found anything: any count that must be 0 is not. Pure. */
export function crashFailed(figures: CrashFigures): boolean {
  return (
    figures.lost +
      figures.duplicated +
      figures.unexpected +
      figures.orphans +
      figures.leftovers +
      figures.watermarkAhead +
      figures.failedReruns >
    0
  );
}
