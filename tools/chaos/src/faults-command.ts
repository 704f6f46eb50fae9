import { TerminalError } from '@etl/core';
import { ALL_SERVICES, type LocalService } from '@etl/local-aws';
import type { CampaignSpec } from './campaign.js';
import { loadCampaign, selectPipelines } from './campaigns.js';
import { commandOptions } from './command-args.js';
import { faultsCampaign, faultsFailed, type FaultsFigures } from './faults.js';
import { withCampaignStack } from './stack.js';
import { summaryTable } from './summary-table.js';

/**
 * `chaos:faults -- --rate 0.05 --services s3,dynamodb,redshift-data,glue --runs N --seed S`: every run of every
 * pipeline through the stack's fault proxies must complete with the clean run's final state; 1 otherwise.
 */
export async function faultsCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const options = commandOptions(argv, { pipeline: 'all', rate: 0.05, services: ALL_SERVICES.join(','), runs: 20, seed: 1, rows: 20_000 });
  if (options.rate > 1) throw new TerminalError('BAD_ARGUMENT', `--rate ${options.rate}: give a share of requests, 0 to 1 (0.05 is 5%)`);
  const services = options.services.split(',').map((s) => s.trim()) as LocalService[];
  const unknown = services.filter((s) => !ALL_SERVICES.includes(s));
  if (unknown.length > 0)
    throw new TerminalError('BAD_ARGUMENT', `--services ${unknown.join(', ')}: unknown; give some of ${ALL_SERVICES.join(', ')}`);
  const specs: CampaignSpec[] = [];
  for (const name of selectPipelines(options.pipeline)) specs.push(await loadCampaign(name));
  const figures = await withCampaignStack(
    specs,
    { faults: { failRate: options.rate, seed: options.seed, services } },
    async (context, proxies) => {
      const all: FaultsFigures[] = [];
      if (!proxies) throw new Error('the fault proxies did not start');
      for (const spec of specs)
        all.push(await faultsCampaign(context, spec, proxies, { runs: options.runs, scale: { rows: options.rows }, log: out }));
      return all;
    },
  );
  out('');
  out(`fault rate ${options.rate} on ${services.join(', ')}, seed ${options.seed}`);
  out(faultsTable(figures));
  for (const f of figures) for (const problem of f.problems) out(`${f.pipeline}: ${problem}`);
  return figures.some(faultsFailed) ? 1 : 0;
}

/** chaos:faults' summary: one row per pipeline, faults injected / requests per service. Pure. */
export function faultsTable(figures: readonly FaultsFigures[]): string {
  return summaryTable(
    ['pipeline', 'runs', 'failed', 'lost', 'duplicated', 'changed', ...ALL_SERVICES.map((s) => `${s} faults/requests`)],
    figures.map((f) => [
      f.pipeline,
      f.runs,
      f.failed,
      f.lost,
      f.duplicated,
      f.unexpected,
      ...ALL_SERVICES.map((s) => (f.services[s] ? `${f.services[s].injected}/${f.services[s].requests}` : '-')),
    ]),
  );
}
