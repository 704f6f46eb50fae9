// @ts-check
// A pipeline's container folder: the bundle, the npm packages it needs at run time (and nothing else
// from the workspace's node_modules), its sample, and a root entrypoint. It is the image's build context.
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { isForbidden, runtimeClosure } from './closure.mjs';

/** Type declarations and source maps: half the files of the npm packages (the AWS SDK's), never loaded by Node. */
const neverLoaded = /\.(d\.[cm]?ts|[cm]?js\.map|d\.[cm]?ts\.map)$/;

/**
 * Builds `<projectRoot>/dist/container/` from the bundle `nx run <pipeline>:bundle` left in `dist/`.
 * @param {{ projectRoot: string, workspaceRoot: string }} options  `projectRoot` relative to `workspaceRoot` or absolute
 * @returns {{ dir: string, packages: import('./closure.mjs').ClosurePackage[], bytes: number }}
 */
export function assembleContainer({ projectRoot, workspaceRoot: root }) {
  const workspaceRoot = resolve(root);
  const project = resolve(workspaceRoot, projectRoot);
  const name = basename(project);
  const bundle = join(project, 'dist', 'main.mjs');
  const sidecars = ['inputs', 'packages'].map((kind) => `${bundle}.${kind}.json`);
  if (!existsSync(bundle) || !sidecars.every(existsSync))
    throw new Error(`${relative(workspaceRoot, bundle)} or its .inputs.json/.packages.json is missing: run npx nx run ${name}:bundle`);
  const [inputs, imported] = sidecars.map((file) => /** @type {string[]} */ (JSON.parse(readFileSync(file, 'utf8'))));

  const roots = [
    ...(imported ?? []).map((pkg) => ({ name: pkg, requiredBy: relative(workspaceRoot, bundle) })),
    ...bundledWorkspaceDependencies(inputs ?? [], project, workspaceRoot),
  ];
  const packages = runtimeClosure({ roots, from: join(project, 'dist'), workspaceRoot });

  const out = join(project, 'dist', 'container');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'dist'), { recursive: true });
  // The bundle keeps its place under dist/: it finds its sample as new URL('../sample/…', import.meta.url),
  // and its worker threads' scripts (`*.worker.mjs`, tools/bundle.mjs) beside it.
  for (const file of readdirSync(join(project, 'dist')).filter((f) => /^(main|[\w-]+\.worker)\.mjs(\.map|\.LEGAL\.txt)?$/.test(f)))
    cpSync(join(project, 'dist', file), join(out, 'dist', file));
  if (existsSync(join(project, 'sample'))) cpSync(join(project, 'sample'), join(out, 'sample'), { recursive: true });
  writeFileSync(join(out, 'main.mjs'), "import './dist/main.mjs';\n");
  writeFileSync(join(out, 'package.json'), `${JSON.stringify({ name, private: true, type: 'module' }, null, 2)}\n`);
  for (const pkg of packages) {
    const nested = join(pkg.dir, 'node_modules'); // its nested dependencies are closure packages of their own
    const filter = (/** @type {string} */ src) => src !== nested && !neverLoaded.test(src);
    cpSync(pkg.dir, join(out, 'node_modules', pkg.into), { recursive: true, dereference: true, filter });
  }
  return { dir: out, packages, bytes: folderBytes(out) };
}

/**
 * The npm dependencies declared by the workspace packages inlined in the bundle. esbuild cannot see a
 * package loaded through createRequire (dynalite in @etl/dynamodb-embedded), so their manifests are the
 * authority for those; packages esbuild saw are roots already.
 * @param {string[]} inputs  the bundle's source files, relative to the project folder
 * @param {string} project
 * @param {string} workspaceRoot
 * @returns {import('./closure.mjs').Root[]}
 */
function bundledWorkspaceDependencies(inputs, project, workspaceRoot) {
  const manifests = new Set(
    inputs.filter((input) => !input.split('/').includes('node_modules')).map((input) => manifestOf(resolve(project, input), workspaceRoot)),
  );
  return [...manifests].flatMap((file) => {
    if (!file) return [];
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    if (isForbidden(manifest.name))
      throw new Error(
        `${manifest.name} must not be in a container, but the bundle inlines its code (${relative(workspaceRoot, dirname(file))})`,
      );
    return Object.keys(manifest.dependencies ?? {})
      .filter((dep) => !dep.startsWith('@etl/'))
      .map((dep) => ({ name: dep, requiredBy: `${manifest.name} (inlined)` }));
  });
}

/**
 * The nearest package.json above a source file, inside the workspace.
 * @param {string} file
 * @param {string} workspaceRoot
 */
function manifestOf(file, workspaceRoot) {
  for (let dir = dirname(file); dir.startsWith(workspaceRoot + sep); dir = dirname(dir))
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'package.json');
  return undefined;
}

/**
 * Bytes of the files below `dir` (what the image layer holds).
 * @param {string} dir
 */
export function folderBytes(dir) {
  return readdirSync(dir, { recursive: true }).reduce((sum, entry) => {
    const stat = lstatSync(join(dir, String(entry)));
    return sum + (stat.isFile() ? stat.size : 0);
  }, 0);
}
