import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TerminalError } from '@etl/core';
import type { CampaignSpec } from './campaign.js';
import { loadCampaign, selectPipelines } from './campaigns.js';
import { commandOptions } from './command-args.js';
import { hostileCases } from './hostile-cases.js';
import { corpusFiles, inputsCampaign, writeHostileCases, type InputsFigures } from './inputs.js';
import { withCampaignStack } from './stack.js';
import { summaryTable } from './summary-table.js';

/**
 * `chaos:inputs -- --pipeline all --line-mb 1024 --corpus all|none|<folder>`: the corpus (tools/chaos/corpus, or
 * every file under a folder of your own) and the generated hostile cases through `etl convert` and every
 * CSV-reading pipeline; 1 on any crash or broken rule.
 * Disk: the long line's file, `--line-mb` MiB, in the OS temp folder.
 */
export async function inputsCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const options = commandOptions(argv, { pipeline: 'all', 'line-mb': 1024, corpus: 'all' });
  const corpus = corpusOf(options.corpus); // a bad folder is refused before the stack starts
  const specs: CampaignSpec[] = [];
  for (const name of selectPipelines(options.pipeline)) {
    const spec = await loadCampaign(name);
    if (spec.csv) specs.push(spec);
  }
  const figures = await withCampaignStack(specs, {}, async (context) => {
    const generated = await writeHostileCases(
      join(context.workRoot, 'generated'),
      hostileCases({ lineBytes: options['line-mb'] * 1024 * 1024 }),
    );
    const files = [...corpus, ...generated];
    return inputsCampaign(context, { convertFiles: files, pipelineFiles: files, specs, log: out });
  });
  out('');
  out(inputsTable(figures));
  for (const f of figures) for (const problem of f.problems) out(`${f.target}: ${problem}`);
  return figures.some((f) => f.problems.length > 0) ? 1 : 0;
}

/** `--corpus`: the shipped corpus (`all`), none, or every file under a folder (its manifests and licenses left out). */
function corpusOf(corpus: string): string[] {
  if (corpus === 'all') return corpusFiles();
  if (corpus === 'none') return [];
  const folder = resolve(corpus);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new TerminalError('BAD_ARGUMENT', `--corpus ${corpus}: not a folder; give all (tools/chaos/corpus), none, or a folder of files`);
  return corpusFiles(folder);
}

/** chaos:inputs' summary: one row per target. Pure. */
export function inputsTable(figures: readonly InputsFigures[]): string {
  return summaryTable(
    ['target', 'inputs', 'completed', 'failed (exit 1)', 'refused (exit 2)', 'crashed', 'rule broken'],
    figures.map((f) => [
      f.target,
      f.inputs,
      f.outcomes.completed,
      f.outcomes.failed,
      f.outcomes.refused,
      f.outcomes.crashed,
      f.problems.length,
    ]),
  );
}
