// @ts-check
// A generated pipeline's entry in tools/deploy: its resources.ts imported into the deployment, and the
// dependency, project reference and lock entry that lint, `nx sync` and `npm ci` then expect.
import { posix } from 'node:path';
import { updateJson } from '@nx/devkit';

const deployRoot = 'tools/deploy';
const pipelinesFile = `${deployRoot}/src/pipelines.ts`;

/**
 * @param {import('@nx/devkit').Tree} tree
 * @param {string} name the pipeline (its folder under pipelines/)
 * @param {string} propertyName its camelCase name
 */
export function addDeployEntry(tree, name, propertyName) {
  const source = tree.read(pipelinesFile, 'utf8');
  if (source === null) return; // a workspace without tools/deploy
  const importLine = `import { resources as ${propertyName} } from '../../../pipelines/${name}/src/resources.js';\n`;
  const lastImport = source.lastIndexOf('import { resources as ');
  const afterImports = source.indexOf('\n', lastImport) + 1;
  const end = source.lastIndexOf('};');
  if (lastImport < 0 || end < afterImports) throw new Error(`${pipelinesFile}: no pipelines map to add ${name} to`);
  tree.write(
    pipelinesFile,
    `${source.slice(0, afterImports)}${importLine}${source.slice(afterImports, end)}  '${name}': ${propertyName},\n${source.slice(end)}`,
  );
  const dependency = `@etl/${name}`;
  const withDependency = (/** @type {Record<string, string> | undefined} */ deps) =>
    Object.fromEntries(Object.entries({ ...deps, [dependency]: '*' }).sort(([a], [b]) => a.localeCompare(b)));
  updateJson(tree, `${deployRoot}/package.json`, (manifest) => ({ ...manifest, dependencies: withDependency(manifest.dependencies) }));
  updateJson(tree, `${deployRoot}/tsconfig.lib.json`, (config) => ({
    ...config,
    references: [...(config.references ?? []), { path: posix.relative(deployRoot, `pipelines/${name}/tsconfig.lib.json`) }],
  }));
  if (tree.exists('package-lock.json')) {
    updateJson(tree, 'package-lock.json', (lock) => {
      const entry = lock.packages?.[deployRoot];
      if (entry) entry.dependencies = withDependency(entry.dependencies);
      return lock;
    });
  }
}
