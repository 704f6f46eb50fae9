#!/usr/bin/env node
// Prints every Nx project with its root and tags: `npm run projects`. For pipelines, also the lines of
// the pipeline's own code (src/**/*.ts without specs, tests and contracts): a pipeline is a short
// composition of packages, and this keeps that visible.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProjectGraphAsync } from '@nx/devkit';

/** Lines of the `.ts` files under `dir`, specs, tests and contracts excluded. */
function ownLines(dir) {
  let lines = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || /\.(spec|test|contract)\.ts$/.test(entry.name)) continue;
    lines += readFileSync(join(entry.parentPath, entry.name), 'utf8')
      .split('\n')
      .filter((_, i, all) => i < all.length - 1 || all[i] !== '').length;
  }
  return lines;
}

const graph = await createProjectGraphAsync({ exitOnError: true });
const rows = Object.values(graph.nodes)
  .map((node) => {
    const tags = node.data.tags ?? [];
    const lines = tags.includes('type:pipeline') ? `${ownLines(join(node.data.root, 'src'))} lines` : '';
    return [node.name, node.data.root, tags.filter((t) => !t.startsWith('npm:')).join(', '), lines];
  })
  .sort((a, b) => a[1].localeCompare(b[1]));
const width = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
for (const [name, root, tags, lines] of rows)
  console.log(`${name.padEnd(width[0])}  ${root.padEnd(width[1])}  ${tags.padEnd(width[2])}  ${lines}`.trimEnd());
