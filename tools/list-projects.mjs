#!/usr/bin/env node
// Prints every Nx project with its root and tags: `npm run projects`.
import { createProjectGraphAsync } from '@nx/devkit';

const graph = await createProjectGraphAsync({ exitOnError: true });
const rows = Object.values(graph.nodes)
  .map((node) => [node.name, node.data.root, (node.data.tags ?? []).filter((t) => !t.startsWith('npm:')).join(', ')])
  .sort((a, b) => a[1].localeCompare(b[1]));
const width = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
for (const [name, root, tags] of rows) console.log(`${name.padEnd(width[0])}  ${root.padEnd(width[1])}  ${tags}`);
