// `nx g @etl/tools:pipeline <name>`: a complete pipeline project in the house shape (see
// pipelines/sample-orders), registered where the workspace needs it. The Nx plugin beside this folder
// infers its bundle, run and container targets, so its package.json holds only name, tags and dependencies.
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatFiles, generateFiles, getProjects, joinPathFragments, logger, names, readJson, updateJson, writeJson } from '@nx/devkit';
import { addDeployEntry } from './deploy-entry.mjs';
import { withWorkspacePackage } from './package-lock.mjs';
import { pipelineNameProblem } from './pipeline-name.mjs';

/** What the generated code imports: exactly its dependencies, as lint's @nx/dependency-checks wants. */
const dependencies = { '@etl/convert': '*', '@etl/core': '*', '@etl/runtime': '*' };
/** What only its spec and its chaos campaign spec (src/campaign.contract.ts) import. */
const devDependencies = { '@etl/chaos': '*', '@etl/object-store': '*' };

/**
 * @param {import('@nx/devkit').Tree} tree
 * @param {{ name: string }} options
 */
export default async function pipelineGenerator(tree, options) {
  const name = String(options.name ?? '');
  const projectRoot = `pipelines/${name}`;
  const packageRoots = workspacePackageRoots(tree);
  const problem = pipelineNameProblem(name, {
    projects: new Set(getProjects(tree).keys()),
    packages: new Set(packageRoots.keys()),
    folderExists: tree.exists(projectRoot),
  });
  // A plain Error: Nx prints its message as the one line the user sees (@etl/core is not loaded here).
  if (problem) throw new Error(problem);

  generateFiles(tree, fileURLToPath(new URL('./files', import.meta.url)), projectRoot, {
    tmpl: '',
    name,
    propertyName: names(name).propertyName,
  });
  const manifest = {
    name: `@etl/${name}`,
    version: '0.0.0',
    private: true,
    type: 'module',
    description: 'One CSV, NDJSON or Parquet file to typed Parquet, bad rows quarantined',
    exports: { '.': { '@etl/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' } },
    nx: { name, tags: ['type:pipeline'] },
    dependencies,
    devDependencies,
  };
  writeJson(tree, joinPathFragments(projectRoot, 'package.json'), manifest);
  writeJson(tree, joinPathFragments(projectRoot, 'tsconfig.lib.json'), {
    extends: '../../tsconfig.base.json',
    compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/tsconfig.lib.tsbuildinfo' },
    include: ['src/**/*.ts'],
    // The campaign spec is test code (tools/chaos loads it), typechecked with the specs.
    exclude: ['src/**/*.spec.ts', 'src/**/*.contract.ts'],
    // What @nx/js:typescript-sync expects (one per project the code or spec imports): typecheck fails on any difference.
    references: Object.keys({ ...dependencies, ...devDependencies }).map((dependency) => ({
      path: posix.relative(projectRoot, joinPathFragments(rootOf(packageRoots, dependency), 'tsconfig.lib.json')),
    })),
  });
  updateJson(tree, 'tsconfig.json', (root) => {
    const references = root.references ?? [];
    const path = `./${projectRoot}`;
    return references.some((r) => posix.normalize(r.path) === posix.normalize(path))
      ? root
      : { ...root, references: [...references, { path }] };
  });
  if (tree.exists('package-lock.json')) updateJson(tree, 'package-lock.json', (lock) => withWorkspacePackage(lock, projectRoot, manifest));
  addDeployEntry(tree, name, names(name).propertyName);
  await formatFiles(tree);
  return () => logger.info(`${projectRoot}: run it with \`npx nx run ${name}:run\`, test it with \`npx nx run ${name}:test\``);
}

/**
 * Package name -> folder of every workspace project with a package.json.
 * @param {import('@nx/devkit').Tree} tree
 * @returns {Map<string, string>}
 */
function workspacePackageRoots(tree) {
  const roots = new Map();
  for (const project of getProjects(tree).values()) {
    const file = joinPathFragments(project.root, 'package.json');
    if (tree.exists(file)) roots.set(readJson(tree, file).name, project.root);
  }
  return roots;
}

/** @param {Map<string, string>} roots @param {string} packageName */
function rootOf(roots, packageName) {
  const root = roots.get(packageName);
  if (!root) throw new Error(`${packageName} is not a workspace package: the pipeline generator needs it (run from the workspace root)`);
  return root;
}
