#!/usr/bin/env node
// Bundles an entry point into one ESM file: a pipeline main is what its container image runs.
// Usage: node tools/bundle.mjs <entry.ts> <out.mjs> [--external-packages]   (from the project folder)
// --external-packages leaves npm dependencies out (loaded from node_modules at run time): for dev
// tools whose dependencies ship WASM or native files next to their code (PGlite, LevelDB).
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const [entry, outfile, flag] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: bundle.mjs <entry.ts> <out.mjs>');
  process.exit(2);
}

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Workspace packages are bundled from their TypeScript sources.
  conditions: ['@etl/source'],
  sourcemap: 'linked',
  legalComments: 'linked',
  // CommonJS dependencies (the AWS SDK, pino) call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
  ...(flag === '--external-packages' ? { external: npmDependencies() } : {}),
});

/** The project's npm dependencies; workspace packages (@etl/*) are still bundled from source. */
function npmDependencies() {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  return Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => !name.startsWith('@etl/'));
}
