#!/usr/bin/env node
// `npx etl …`: runs the bundled command, bundling it first when the sources are newer than the bundle
// (so it works right after `npm ci`, without a build step).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bundle = join(root, 'dist', 'etl.mjs');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

// Every workspace package's sources: the bundle inlines whichever of them the command imports.
const packages = join(root, '..');
const sources = readdirSync(packages).map((p) => join(packages, p, 'src'));
if (!existsSync(bundle) || Math.max(...sources.filter(existsSync).map(newest)) > statSync(bundle).mtimeMs) {
  execFileSync(process.execPath, [join(root, '..', '..', 'tools', 'bundle.mjs'), 'src/etl.ts', 'dist/etl.mjs', '--external-packages'], { cwd: root, stdio: 'inherit' });
}
await import(pathToFileURL(bundle).href);
