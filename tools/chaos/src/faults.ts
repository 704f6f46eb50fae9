import type { LocalService } from '@etl/local-aws';
import type { CampaignScale, CampaignSpec } from './campaign.js';
import { cleanRun, digestOf, finishRun, prepareRun, startPipeline, tail, type CampaignContext, type CleanRun } from './campaign-run.js';
import { diffDigests } from './digest-diff.js';
import type { FaultProxies } from './stack.js';

/** A fault campaign's figures for one pipeline: every run must complete with the clean run's digest. */
export interface FaultsFigures {
  pipeline: string;
  runs: number;
  /** Runs that did not exit 0. */
  failed: number;
  lost: number;
  duplicated: number;
  unexpected: number;
  /** Requests the pipeline's runs sent through each proxy and the faults injected into them (each one retried, or the run failed). */
  services: Partial<Record<LocalService, { requests: number; injected: number }>>;
  problems: string[];
}

/**
 * Runs a pipeline `runs` times through the fault proxies (each on freshly seeded inputs) and compares
 * each final state with a run's on the stand-ins directly.
 */
export async function faultsCampaign(
  context: CampaignContext,
  spec: CampaignSpec,
  proxies: FaultProxies,
  options: { runs: number; scale: CampaignScale; clean?: CleanRun; log?: (line: string) => void },
): Promise<FaultsFigures> {
  const clean = options.clean ?? (await cleanRun(context, spec, options.scale));
  const figures: FaultsFigures = {
    pipeline: spec.pipeline,
    runs: 0,
    failed: 0,
    lost: 0,
    duplicated: 0,
    unexpected: 0,
    services: {},
    problems: [],
  };
  const before = proxies.counts();
  for (let i = 0; i < options.runs; i++) {
    const kit = await prepareRun(context, spec, options.scale);
    const run = await startPipeline(context, spec, kit, spec.args(kit), proxies.env).done;
    figures.runs++;
    if (run.code !== 0) {
      figures.failed++;
      figures.problems.push(`run ${i + 1} exited ${run.code}: ${tail(run, 3)}`);
    }
    const diff = diffDigests(clean.digest, await digestOf(spec, kit));
    figures.lost += diff.lost;
    figures.duplicated += diff.duplicated;
    figures.unexpected += diff.unexpected;
    if (run.code === 0 && diff.examples.length > 0) figures.problems.push(`run ${i + 1}: ${diff.examples.join('; ')}`);
    options.log?.(`${spec.pipeline} run ${i + 1}/${options.runs}: exit ${run.code}; lost ${diff.lost}, duplicated ${diff.duplicated}`);
    await finishRun(context, spec, kit);
  }
  const after = proxies.counts();
  for (const [service, counts] of Object.entries(after) as Array<[LocalService, { requests: number; injected: number }]>) {
    const start = before[service] ?? { requests: 0, injected: 0 };
    if (!spec.services.includes(service)) continue;
    figures.services[service] = { requests: counts.requests - start.requests, injected: counts.injected - start.injected };
  }
  return figures;
}

/** Whether a fault campaign found anything. Pure. */
export function faultsFailed(figures: FaultsFigures): boolean {
  return figures.failed + figures.lost + figures.duplicated + figures.unexpected > 0;
}
