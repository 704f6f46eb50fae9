// What makes a name a new pipeline's: the folder, the Nx project and the npm package are all named by it.

const kebabCase = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Why `name` cannot be a new pipeline, in one line, or undefined when it can.
 * @param {string} name
 * @param {{ projects: ReadonlySet<string>, packages: ReadonlySet<string>, folderExists: boolean }} workspace
 * @returns {string | undefined}
 */
export function pipelineNameProblem(name, { projects, packages, folderExists }) {
  if (!kebabCase.test(name))
    return `pipeline name "${name}" is not kebab-case: use lower-case letters, digits and single dashes, e.g. orders-to-parquet`;
  if (folderExists) return `pipelines/${name} already exists: choose another name`;
  if (projects.has(name)) return `an Nx project named "${name}" already exists: choose another name`;
  if (packages.has(`@etl/${name}`)) return `a package named @etl/${name} already exists: choose another name`;
  return undefined;
}
