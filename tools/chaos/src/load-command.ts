import type { CampaignSpec } from './campaign.js';
import { loadCampaign, selectPipelines } from './campaigns.js';
import { commandOptions } from './command-args.js';
import { bigFileConvert, manyFilesLoad, type LoadFigures } from './load.js';
import { withCampaignStack } from './stack.js';
import { summaryTable } from './summary-table.js';

/**
 * `chaos:load -- --files 1000 --rows-per-file 100 --big-mb 10240 --convert-bound-mb 512`: many small files under one
 * prefix through every pipeline that declares `manyFiles`, and one big generated CSV through `etl convert`; 1 when a
 * run fails or its peak RSS passes its bound. Disk: the big file and its Parquet (`--big-mb` MiB and less) in the OS temp folder.
 */
export async function loadCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const options = commandOptions(argv, { pipeline: 'all', files: 1000, 'rows-per-file': 100, 'big-mb': 10_240, 'convert-bound-mb': 512 });
  const specs: CampaignSpec[] = [];
  for (const name of selectPipelines(options.pipeline)) {
    const spec = await loadCampaign(name);
    if (spec.manyFiles) specs.push(spec);
  }
  const figures = await withCampaignStack(specs, {}, async (context) => {
    const all: LoadFigures[] = [];
    for (const spec of specs) {
      all.push(await manyFilesLoad(context, spec, { files: options.files, rowsPerFile: options['rows-per-file'] }));
      out(loadTable(all.slice(-1)).split('\n').at(-1) ?? '');
    }
    if (options['big-mb'] > 0) all.push(await bigFileConvert(context, { mib: options['big-mb'], boundMiB: options['convert-bound-mb'] }));
    return all;
  });
  out('');
  out(loadTable(figures));
  for (const f of figures) for (const problem of f.problems) out(`${f.target}: ${problem}`);
  return figures.some((f) => f.problems.length > 0) ? 1 : 0;
}

/** chaos:load's summary. Pure. */
export function loadTable(figures: readonly LoadFigures[]): string {
  return summaryTable(
    ['target', 'input', 'exit', 'seconds', 'throughput', 'peak RSS MiB', 'bound MiB'],
    figures.map((f) => [f.target, f.input, f.exit ?? 'signal', Math.round(f.seconds * 10) / 10, f.throughput, f.peakRssMiB, f.boundMiB]),
  );
}
