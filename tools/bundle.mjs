#!/usr/bin/env node
// Bundles an entry point into one ESM file: a pipeline main is what its container image runs.
// Usage: node tools/bundle.mjs <entry.ts> <out.mjs> [--external-packages] [--if-stale]   (from the project folder)
// --external-packages leaves npm dependencies out (loaded from node_modules at run time): for dev
// tools whose dependencies ship WASM or native files next to their code (PGlite, LevelDB).
// --if-stale does nothing when the bundle is newer than every file it was built from (for scripts
// run without nx, which would otherwise measure or run an old bundle).
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { basename, dirname, join } from 'node:path';
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

/**
 * For worker scripts: workspace modules are taken as free of side effects, so what a worker does not
 * use of a package's index (a logger, an encoding detector, a Parquet reader) is left out with its
 * npm imports, which every worker would otherwise load at start (~130 ms of CPU each for pino,
 * chardet and hyparquet).
 */
const workspaceSideEffectFree = {
  name: 'workspace-side-effect-free',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.resolving || args.kind === 'entry-point') return undefined;
      const { resolveDir, importer, kind } = args;
      const result = await pluginBuild.resolve(args.path, { resolveDir, importer, kind, pluginData: { resolving: true } });
      if (result.errors.length > 0 || result.external || !/[\\/]packages[\\/]/.test(result.path) || result.path.includes('node_modules'))
        return undefined;
      return { path: result.path, namespace: result.namespace, sideEffects: false };
    });
  },
};

const { build } = await import('esbuild');
const options = {
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
};
const result = await build({ ...options, entryPoints: [entry], outfile });
// Worker threads: a module that starts one (`new Worker(new URL('./x.worker.mjs', import.meta.url))`)
// needs its script beside the bundle, since import.meta.url is then the bundle's. Every `*.worker.ts`
// in a folder the bundle was built from is bundled there; its inputs count for the freshness check.
const inputs = new Set(Object.keys(result.metafile.inputs));
const outputs = [...Object.values(result.metafile.outputs)];
const folders = new Set([...inputs].filter((i) => !i.includes('node_modules')).map((i) => dirname(i)));
for (const folder of folders) {
  if (!existsSync(folder)) continue;
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.worker.ts'))) {
    const worker = await build({
      ...options,
      plugins: [...(options.plugins ?? []), workspaceSideEffectFree],
      entryPoints: [join(folder, name)],
      outfile: join(dirname(outfile), basename(name, '.ts') + '.mjs'),
    });
    for (const input of Object.keys(worker.metafile.inputs)) inputs.add(input);
    outputs.push(...Object.values(worker.metafile.outputs));
  }
}
writeFileSync(inputsFile(outfile), JSON.stringify([...inputs]));
// The npm packages the bundle imports at run time: where a container's node_modules closure starts
// (tools/nx-plugin/src/container.mjs reads `<out>.packages.json`).
const packageOf = (specifier) => specifier.split('/', specifier.startsWith('@') ? 2 : 1).join('/');
const externalPackages = outputs
  .flatMap((output) => output.imports)
  .filter((i) => i.external && !isBuiltin(i.path))
  .map((i) => packageOf(i.path));
writeFileSync(`${outfile}.packages.json`, JSON.stringify([...new Set(externalPackages)].sort()));
