import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './run-bundled.js';

const run = promisify(execFile);

/**
 * The repository's real lint configuration (nx.json, eslint.config.mjs) applied to a scratch
 * workspace with one project of each kind, so forbidden imports can be tried without touching
 * the real projects.
 */
let scratch: string;

function project(dir: string, name: string, tag: string, source: string) {
  mkdirSync(join(scratch, dir, 'src'), { recursive: true });
  writeFileSync(
    join(scratch, dir, 'package.json'),
    JSON.stringify({ name, version: '0.0.0', type: 'module', exports: './src/index.ts', nx: { tags: [tag] } }),
  );
  writeFileSync(join(scratch, dir, 'src/index.ts'), source);
  writeFileSync(join(scratch, dir, 'eslint.config.mjs'), "import base from '../../eslint.config.mjs';\nexport default [...base];\n");
  // npm workspaces would link it; do the same so imports resolve.
  mkdirSync(join(scratch, 'node_modules/@etl'), { recursive: true });
  symlinkSync(join(scratch, dir), join(scratch, 'node_modules', name));
}

const nxEnv = () => ({ ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' });

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'boundaries-'));
  for (const file of ['nx.json', 'eslint.config.mjs', 'tsconfig.base.json', 'vitest.shared.mjs'])
    cpSync(join(repoRoot, file), join(scratch, file));
  // nx.json loads the workspace's own plugin (the pipelines' inferred targets) from tools/nx-plugin.
  for (const path of ['tools/nx-plugin/package.json', 'tools/nx-plugin/src'])
    cpSync(join(repoRoot, path), join(scratch, path), { recursive: true });
  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'scratch', private: true, type: 'module', workspaces: ['packages/*', 'pipelines/*', 'tools/*'] }),
  );
  mkdirSync(join(scratch, 'node_modules'));
  // Every installed package except our own, which the scratch projects stand in for.
  for (const entry of readdirSync(join(repoRoot, 'node_modules'))) {
    if (entry === '@etl' || entry === '.bin') continue;
    symlinkSync(join(repoRoot, 'node_modules', entry), join(scratch, 'node_modules', entry));
  }
  project('packages/core', '@etl/core', 'type:core', 'export const core = 1;\n');
  project('packages/store', '@etl/store', 'type:adapter', "import { core } from '@etl/core';\nexport const store = core;\n");
  project('tools/stack', '@etl/stack', 'type:tool', 'export const stack = 1;\n');
  project('pipelines/alpha', '@etl/alpha', 'type:pipeline', "import { store } from '@etl/store';\nexport const alpha = store;\n");
  project('pipelines/beta', '@etl/beta', 'type:pipeline', 'export const beta = 1;\n');
  // The lint rule reads Nx's cached project graph (as under `nx run-many -t lint`); build it once.
  await run(join(repoRoot, 'node_modules/.bin/nx'), ['show', 'projects'], { cwd: scratch, env: nxEnv() });
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function lint(file: string, source: string): Promise<string> {
  const path = join(scratch, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, source);
  try {
    await run(process.execPath, [join(repoRoot, 'node_modules/eslint/bin/eslint.js'), '--no-warn-ignored', file], {
      cwd: scratch,
      env: nxEnv(),
    });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

describe('module boundaries (lint)', () => {
  it('allows a pipeline to compose packages', async () => {
    expect(await lint('pipelines/alpha/src/ok.ts', "import { store } from '@etl/store';\nexport const ok = store;\n")).toBe('');
  });

  it('fails a pipeline that imports another pipeline', async () => {
    const out = await lint('pipelines/alpha/src/cross.ts', "import { beta } from '@etl/beta';\nexport const cross = beta;\n");
    expect(out).toContain('@nx/enforce-module-boundaries');
    expect(out).toContain('type:pipeline');
  });

  it('fails core importing an adapter', async () => {
    const out = await lint('packages/core/src/bad.ts', "import { store } from '@etl/store';\nexport const bad = store;\n");
    expect(out).toContain('@nx/enforce-module-boundaries');
  });

  it('fails runtime code importing a tool, but lets a test start one', async () => {
    expect(await lint('pipelines/alpha/src/stack.ts', "import { stack } from '@etl/stack';\nexport const s = stack;\n")).toContain(
      '@nx/enforce-module-boundaries',
    );
    expect(await lint('pipelines/alpha/src/stack.spec.ts', "import { stack } from '@etl/stack';\nexport const s = stack;\n")).toBe('');
  });
});
