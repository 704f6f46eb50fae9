#!/usr/bin/env node
// Bundles every pipeline's campaign spec (pipelines/*/src/campaign.contract.ts, the file convention that registers a
// pipeline in chaos) into dist/campaigns/<pipeline>.mjs, which the bundled commands load. Run from tools/chaos.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const pipelines = '../../pipelines';
const out = 'dist/campaigns';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const name of readdirSync(pipelines).sort()) {
  const spec = join(pipelines, name, 'src', 'campaign.contract.ts');
  if (!existsSync(spec)) continue;
  execFileSync(process.execPath, ['../../tools/bundle.mjs', spec, join(out, `${name}.mjs`), '--external-packages'], { stdio: 'inherit' });
}
