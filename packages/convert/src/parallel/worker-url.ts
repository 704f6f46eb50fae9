import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TerminalError } from '@etl/core';

/** The worker script's name beside a bundle (tools/bundle.mjs builds every `*.worker.ts` an input sits beside). */
const BUNDLED = 'csv-chunk.worker.mjs';
let built: Promise<URL> | undefined;

/**
 * The script a conversion's worker threads run. Bundled (a pipeline's `dist/main.mjs`, the CLI's
 * `dist/etl.mjs`): `csv-chunk.worker.mjs` beside the bundle. Compiled by tsc: `csv-chunk.worker.js`
 * beside this module. From TypeScript sources (the specs, under vitest), which Node 20 cannot run in
 * a worker: bundled once per process with esbuild (a dev dependency) into the package's
 * `node_modules/.cache`, where its npm imports resolve.
 */
export function chunkWorkerUrl(): Promise<URL> {
  built ??= resolve();
  return built;
}

async function resolve(): Promise<URL> {
  for (const name of [BUNDLED, 'csv-chunk.worker.js']) {
    const url = new URL(`./${name}`, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  const source = new URL('./csv-chunk.worker.ts', import.meta.url);
  if (source.protocol !== 'file:' || !existsSync(fileURLToPath(source)))
    throw new TerminalError(
      'BAD_ARGUMENT',
      `${BUNDLED} is missing beside ${fileURLToPath(import.meta.url)}: rebuild the bundle with tools/bundle.mjs, or convert with threads 1`,
    );
  const cache = fileURLToPath(new URL('../../node_modules/.cache/etl-convert/', import.meta.url));
  mkdirSync(cache, { recursive: true });
  const outfile = `${cache}csv-chunk.worker-${process.pid}.mjs`;
  // Not a literal: a bundler must not pull esbuild into the bundle (it is only here in a workspace).
  const esbuild = 'esbuild';
  const { build } = (await import(esbuild)) as EsbuildApi;
  await build({
    entryPoints: [fileURLToPath(source)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    conditions: ['@etl/source'],
    logLevel: 'warning',
    // npm packages load from node_modules at run time; workspace packages are bundled from source,
    // taken as free of side effects, as tools/bundle.mjs builds worker scripts.
    plugins: [
      {
        name: 'npm-packages-external',
        setup(pluginBuild: EsbuildPluginBuild) {
          pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@etl/') || args.path.startsWith('node:') ? undefined : { path: args.path, external: true },
          );
        },
      },
      {
        name: 'workspace-side-effect-free',
        setup(pluginBuild: EsbuildPluginBuild) {
          pluginBuild.onResolve({ filter: /.*/ }, async (args) => {
            if (args.pluginData?.resolving || args.kind === 'entry-point') return undefined;
            const { resolveDir, importer, kind } = args;
            const result = await pluginBuild.resolve(args.path, { resolveDir, importer, kind, pluginData: { resolving: true } });
            if (
              result.errors.length > 0 ||
              result.external ||
              !/[\\/]packages[\\/]/.test(result.path) ||
              result.path.includes('node_modules')
            )
              return undefined;
            return { path: result.path, namespace: result.namespace, sideEffects: false };
          });
        },
      },
    ],
  });
  process.once('exit', () => rmSync(outfile, { force: true }));
  return pathToFileURL(outfile);
}

/** The little of esbuild's API used here (it is a workspace dev dependency, not one of this package). */
interface ResolveArgs {
  path: string;
  kind: string;
  resolveDir: string;
  importer: string;
  pluginData?: { resolving?: boolean };
}
type ResolveResult = { path: string; external?: boolean; namespace?: string; sideEffects?: boolean } | undefined;
interface EsbuildPluginBuild {
  onResolve(options: { filter: RegExp }, resolve: (args: ResolveArgs) => ResolveResult | Promise<ResolveResult>): void;
  resolve(
    path: string,
    options: { resolveDir: string; importer: string; kind: string; pluginData: { resolving: boolean } },
  ): Promise<{ path: string; namespace: string; external: boolean; errors: unknown[] }>;
}
interface EsbuildApi {
  build(options: Record<string, unknown>): Promise<unknown>;
}
