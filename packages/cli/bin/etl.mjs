#!/usr/bin/env node
// `npx etl …`: runs the bundled command, bundling it first when a file it is built from is newer than
// the bundle (so it works right after `npm ci`, without a build step).
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
// The bin launches the workspace's own build: tools/ is beside it wherever it runs (never published).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { bundleIsStale } from '../../../tools/bundle-freshness.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tools = join(root, '..', '..', 'tools');

if (bundleIsStale('dist/etl.mjs', root)) {
  execFileSync(process.execPath, [join(tools, 'bundle.mjs'), 'src/etl.ts', 'dist/etl.mjs', '--external-packages'], {
    cwd: root,
    stdio: 'inherit',
  });
}
await import(pathToFileURL(join(root, 'dist', 'etl.mjs')).href);
