import type { CampaignSpec } from './campaign.js';
import { loadCampaign, selectPipelines } from './campaigns.js';
import { commandOptions } from './command-args.js';
import { crashCampaign, crashFailed, type CrashFigures } from './crash.js';
import { withCampaignStack } from './stack.js';
import { summaryTable } from './summary-table.js';

/** `chaos:crash -- --pipeline <name>|all --runs N --seed S --rows N`: prints the summary table; 1 when anything was lost. */
export async function crashCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const options = commandOptions(argv, { pipeline: 'all', runs: 50, seed: 1, rows: 20_000 });
  const specs: CampaignSpec[] = [];
  for (const name of selectPipelines(options.pipeline)) specs.push(await loadCampaign(name));
  const figures = await withCampaignStack(specs, {}, async (context) => {
    const all: CrashFigures[] = [];
    for (const [i, spec] of specs.entries())
      // Each pipeline its own seed from the campaign's, so adding a pipeline does not move another's kill moments.
      all.push(
        await crashCampaign(context, spec, { runs: options.runs, seed: options.seed + i * 7919, scale: { rows: options.rows }, log: out }),
      );
    return all;
  });
  out('');
  out(crashTable(figures));
  for (const f of figures) for (const problem of f.problems) out(`${f.pipeline}: ${problem}`);
  return figures.some(crashFailed) ? 1 : 0;
}

/** The crash campaign's summary: one row per pipeline. Pure. */
export function crashTable(figures: readonly CrashFigures[]): string {
  return summaryTable(
    [
      'pipeline',
      'runs',
      'kills per phase',
      'lost',
      'duplicated',
      'changed',
      'orphans',
      'leftovers',
      'watermark ahead',
      'reruns failed',
      'clean run ms (work)',
    ],
    figures.map((f) => [
      f.pipeline,
      f.runs,
      Object.entries(f.kills)
        .filter(([, n]) => n > 0)
        .map(([phase, n]) => `${phase} ${n}`)
        .join(', '),
      f.lost,
      f.duplicated,
      f.unexpected,
      f.orphans,
      f.leftovers,
      f.watermarkAhead,
      f.failedReruns,
      `${f.cleanMs} (${f.workMs})`,
    ]),
  );
}
