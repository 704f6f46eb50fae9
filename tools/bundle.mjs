#!/usr/bin/env node
// Bundles an entry point into one ESM file: a pipeline main is what its container image runs.
// Usage: node tools/bundle.mjs <entry.ts> <out.mjs> [--external-packages] [--if-stale]   (from the project folder)
// --external-packages leaves npm dependencies out (loaded from node_modules at run time): for dev
// tools whose dependencies ship WASM or native files next to their code (PGlite, LevelDB).
// --if-stale does nothing when the bundle is newer than every file it was built from (for scripts
// run without nx, which would otherwise measure or run an old bundle).
import { writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { bundleIsStale, inputsFile } from './bundle-freshness.mjs';

const [entry, outfile, ...flags] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: bundle.mjs <entry.ts> <out.mjs> [--external-packages] [--if-stale]');
  process.exit(2);
}
if (flags.includes('--if-stale') && !bundleIsStale(outfile)) process.exit(0);

/** Leaves every npm package (bare import not under @etl/) to Node at run time; workspace code is bundled. */
const npmPackagesExternal = {
  name: 'npm-packages-external',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@etl/') || args.path.startsWith('node:') ? undefined : { path: args.path, external: true },
    );
  },
};

const { build } = await import('esbuild');
const result = await build({
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
  metafile: true,
  ...(flags.includes('--external-packages') ? { plugins: [npmPackagesExternal] } : {}),
});
writeFileSync(inputsFile(outfile), JSON.stringify(Object.keys(result.metafile.inputs)));
// The npm packages the bundle imports at run time: where a container's node_modules closure starts
// (tools/nx-plugin/src/container.mjs reads `<out>.packages.json`).
const packageOf = (specifier) => specifier.split('/', specifier.startsWith('@') ? 2 : 1).join('/');
const externalPackages = Object.values(result.metafile.outputs)
  .flatMap((output) => output.imports)
  .filter((i) => i.external && !isBuiltin(i.path))
  .map((i) => packageOf(i.path));
writeFileSync(`${outfile}.packages.json`, JSON.stringify([...new Set(externalPackages)].sort()));
