#!/usr/bin/env node
// @ts-check
// `nx run <pipeline>:container`: assembles pipelines/<name>/dist/container/ and prints its size.
// Usage: node tools/nx-plugin/src/container.mjs pipelines/<name>   (from the workspace root)
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleContainer } from './assemble-container.mjs';

const [projectRoot] = process.argv.slice(2);
if (!projectRoot) {
  console.error('usage: container.mjs pipelines/<name>');
  process.exit(2);
}
const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));
try {
  const { dir, packages, bytes } = assembleContainer({ projectRoot, workspaceRoot });
  console.log(`${relative(workspaceRoot, dir)}: ${(bytes / 2 ** 20).toFixed(1)} MiB, ${packages.length} npm packages`);
} catch (error) {
  console.error(`container: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
