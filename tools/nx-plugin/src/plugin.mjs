// @ts-check
// The workspace's Nx plugin (registered in nx.json as `@etl/tools/plugin`): every pipeline gets the same
// bundle, run, container and image targets, so a pipeline's package.json holds only its name and tags.
import { dirname, posix } from 'node:path';

/** Where the plugin looks: one Nx project per pipeline folder. */
export const pipelinePackageJson = 'pipelines/*/package.json';

/**
 * The targets of the pipeline whose package.json sits in `projectRoot` (workspace-relative, `pipelines/<name>`).
 * @param {string} projectRoot
 * @returns {Record<string, import('@nx/devkit').TargetConfiguration>}
 */
export function pipelineTargets(projectRoot) {
  const bundleScript = posix.relative(projectRoot, 'tools/bundle.mjs');
  const inputs = ['production', '^production', '{workspaceRoot}/tools/bundle.mjs'];
  return {
    bundle: {
      command: `node ${bundleScript} src/main.ts dist/main.mjs --external-packages`,
      options: { cwd: '{projectRoot}' },
      inputs,
      // The sidecars (.map, .inputs.json, .packages.json) come back from the cache with the bundle: `container` reads them.
      outputs: ['{projectRoot}/dist/main.mjs', '{projectRoot}/dist/main.mjs.*', '{projectRoot}/dist/*.worker.mjs*'],
      cache: true,
      metadata: { description: 'Bundles src/main.ts into dist/main.mjs (workspace code inlined, npm packages external)' },
    },
    run: {
      command: `node ${projectRoot}/dist/main.mjs`,
      dependsOn: ['bundle'],
      metadata: { description: 'Runs the bundled entrypoint; arguments after -- go to the pipeline' },
    },
    container: {
      command: `node tools/nx-plugin/src/container.mjs ${projectRoot}`,
      dependsOn: ['bundle'],
      // The closure follows what is installed, which package-lock.json (in production, via sharedGlobals) pins.
      inputs: [...inputs, '{workspaceRoot}/tools/nx-plugin/src/*.mjs'],
      outputs: ['{projectRoot}/dist/container'],
      cache: true,
      metadata: {
        description: `Assembles dist/container/: the bundle, its npm runtime closure and sample/ (the build context of tools/nx-plugin/Dockerfile)`,
      },
    },
    image: {
      command: `node tools/nx-plugin/src/image.mjs ${projectRoot}`,
      dependsOn: ['container'],
      metadata: {
        description:
          'docker build of dist/container/ tagged etl/<name>:<git SHA>; exits 1 with the command to run elsewhere when no Docker daemon answers',
      },
    },
  };
}

/**
 * Nx 23's name for the v2 API (`createNodesV2` is its deprecated alias): all pipeline files in one call.
 * @type {import('@nx/devkit').CreateNodes}
 */
export const createNodes = [
  pipelinePackageJson,
  (packageJsonFiles) =>
    packageJsonFiles.map((file) => {
      const projectRoot = dirname(file);
      return [file, { projects: { [projectRoot]: { targets: pipelineTargets(projectRoot) } } }];
    }),
];
