import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TerminalError } from '@etl/core';
import type { CampaignSpec } from './campaign.js';

/** The workspace root, from src/ (specs) or dist/ (the bundled commands) alike. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The file convention that registers a pipeline: its campaign spec beside its job. */
export const CAMPAIGN_FILE = 'src/campaign.contract.ts';

/** The bundled commands load campaigns bundled beside them by `nx run chaos:bundle`; specs load the sources. */
const bundled = import.meta.url.endsWith('.mjs');

/** Every pipeline with a campaign spec, by name. */
export function campaignPipelines(): string[] {
  const pipelines = join(repoRoot, 'pipelines');
  return readdirSync(pipelines)
    .filter((name) => existsSync(join(pipelines, name, CAMPAIGN_FILE)))
    .sort();
}

/** The pipelines a `--pipeline` value names (`all` or a comma-separated list); an unknown name is exit 2 naming the known ones. */
export function selectPipelines(value: string): string[] {
  const known = campaignPipelines();
  if (value === 'all') return known;
  const asked = value.split(',').map((name) => name.trim());
  const unknown = asked.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new TerminalError(
      'BAD_ARGUMENT',
      `--pipeline ${unknown.join(', ')}: no campaign spec (${CAMPAIGN_FILE}); pipelines with one: ${known.join(', ')}`,
    );
  return asked;
}

export async function loadCampaign(pipeline: string): Promise<CampaignSpec> {
  const file = bundled
    ? fileURLToPath(new URL(`./campaigns/${pipeline}.mjs`, import.meta.url))
    : join(repoRoot, 'pipelines', pipeline, CAMPAIGN_FILE);
  if (!existsSync(file))
    throw new TerminalError('CONFIG', `${file} is missing: run \`npx nx run chaos:bundle\` (it bundles every ${CAMPAIGN_FILE})`);
  const { campaign } = (await import(pathToFileURL(file).href)) as { campaign?: CampaignSpec };
  if (!campaign || campaign.pipeline !== pipeline)
    throw new TerminalError('BAD_ARGUMENT', `${file} must export \`campaign\`, a CampaignSpec whose pipeline is ${pipeline}`);
  return campaign;
}
