// npm records a workspace package twice in package-lock.json: its folder with the dependencies it
// declares, and the link node_modules/<name> -> folder. `npm ci` refuses a lock that lacks a workspace
// ("package.json and package-lock.json are not in sync"), so the generator adds both entries itself
// rather than running a networked `npm install`.

/**
 * The lock with one more workspace package, its keys in npm's order (sorted, `localeCompare` in `en`).
 * @param {{ packages: Record<string, unknown> }} lock package-lock.json, lockfileVersion 2 or 3
 * @param {string} folder the package's folder, workspace-relative (`pipelines/<name>`)
 * @param {{ name: string, version: string, dependencies?: Record<string, string>, devDependencies?: Record<string, string> }} manifest
 */
export function withWorkspacePackage(lock, folder, manifest) {
  const { name, version, dependencies, devDependencies } = manifest;
  const entries = {
    ...lock.packages,
    [`node_modules/${name}`]: { resolved: folder, link: true },
    [folder]: { name, version, ...(dependencies ? { dependencies } : {}), ...(devDependencies ? { devDependencies } : {}) },
  };
  const keys = Object.keys(entries).sort((a, b) => a.localeCompare(b, 'en'));
  return { ...lock, packages: Object.fromEntries(keys.map((key) => [key, entries[key]])) };
}
