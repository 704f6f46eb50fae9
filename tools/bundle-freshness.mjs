// Whether a bundle is older than the files it was built from. `bundle.mjs` writes esbuild's list of
// them (the metafile's inputs) beside the bundle, so the check reads exactly those files rather
// than walking every source folder, and loads no bundler: the `etl` bin runs it on every call.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where `bundle.mjs` keeps the inputs of `outfile`. */
export const inputsFile = (outfile) => `${outfile}.inputs.json`;

/** True when `outfile` (relative to `cwd`) is missing, or any file it was built from is newer or gone. */
export function bundleIsStale(outfile, cwd = process.cwd()) {
  const out = resolve(cwd, outfile);
  const list = inputsFile(out);
  if (!existsSync(out) || !existsSync(list)) return true;
  const built = statSync(out).mtimeMs;
  const inputs = JSON.parse(readFileSync(list, 'utf8'));
  return inputs.some((input) => {
    const path = resolve(cwd, input);
    return !existsSync(path) || statSync(path).mtimeMs > built;
  });
}
