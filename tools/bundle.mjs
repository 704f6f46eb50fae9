#!/usr/bin/env node
// Bundles an entry point into one ESM file: a pipeline main is what its container image runs.
// Usage: node tools/bundle.mjs <entry.ts> <out.mjs> [--external-packages]   (from the project folder)
// --external-packages leaves npm dependencies out (loaded from node_modules at run time): for dev
// tools whose dependencies ship WASM or native files next to their code (PGlite, LevelDB).
import { build } from 'esbuild';

const [entry, outfile, flag] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: bundle.mjs <entry.ts> <out.mjs>');
  process.exit(2);
}

/** Leaves every npm package (bare import not under @etl/) to Node at run time; workspace code is bundled. */
const npmPackagesExternal = {
  name: 'npm-packages-external',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@etl/') || args.path.startsWith('node:') ? undefined : { path: args.path, external: true },
    );
  },
};

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
  ...(flag === '--external-packages' ? { plugins: [npmPackagesExternal] } : {}),
});
