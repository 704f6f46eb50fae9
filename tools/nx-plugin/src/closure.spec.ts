import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtimeClosure } from './closure.mjs';

/** A real installed tree on disk: workspace/node_modules/…, and the bundle's folder pipelines/p/dist. */
let workspace: string;
let from: string;

function install(path: string, version: string, manifest: Record<string, unknown> = {}) {
  const dir = join(workspace, path);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: path.split('node_modules/').pop(), version, ...manifest }));
  writeFileSync(join(dir, 'index.js'), '');
}

const closure = (...names: string[]) =>
  runtimeClosure({ roots: names.map((name) => ({ name, requiredBy: 'main.mjs' })), from, workspaceRoot: workspace });

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'closure-'));
  from = join(workspace, 'pipelines/p/dist');
  mkdirSync(from, { recursive: true });
  install('node_modules/a', '1.0.0', { dependencies: { b: '^2', c: '^1' }, optionalDependencies: { 'a-linux-arm64': '1' } });
  install('node_modules/a/node_modules/b', '2.0.0');
  install('node_modules/b', '1.0.0');
  install('node_modules/c', '1.0.0', { dependencies: { b: '^1' } });
  install('node_modules/unrelated', '1.0.0');
});

afterEach(() => rmSync(workspace, { recursive: true, force: true }));

describe('runtimeClosure', () => {
  it('follows dependencies and installed optionalDependencies, and nothing else', () => {
    expect(closure('c').map((p) => p.into)).toEqual(['b', 'c']);
  });

  it('resolves a nested copy first, as Node does, and keeps it nested under its dependent', () => {
    expect(closure('a').map((p) => [p.into, p.version, p.via.join(' -> ')])).toEqual([
      ['a', '1.0.0', 'main.mjs -> a'],
      ['a/node_modules/b', '2.0.0', 'main.mjs -> a -> b'],
      ['b', '1.0.0', 'main.mjs -> a -> c -> b'],
      ['c', '1.0.0', 'main.mjs -> a -> c'],
    ]);
  });

  it("puts a package from the project's own node_modules at the top, where the bundle finds it first", () => {
    install('pipelines/p/node_modules/d', '4.0.0');
    expect(closure('d').map((p) => [p.into, p.dir])).toEqual([['d', join(workspace, 'pipelines/p/node_modules/d')]]);
  });

  it('fails on a forbidden package, naming who pulled it in', () => {
    install('node_modules/c', '1.0.0', { dependencies: { b: '^1', vitest: '^4' } });
    install('node_modules/vitest', '4.0.0');
    expect(() => closure('a')).toThrow('vitest must not be in a container, but main.mjs -> a -> c -> vitest: drop that dependency');
  });

  it('fails on a missing required dependency, naming the chain', () => {
    rmSync(join(workspace, 'node_modules/b'), { recursive: true });
    expect(() => closure('c')).toThrow('b is not installed (main.mjs -> c -> b): run npm ci');
  });

  it('fails when two installed copies would need the same place in the container', () => {
    install('pipelines/p/node_modules/b', '3.0.0');
    expect(() => closure('b', 'c')).toThrow(/two installed copies of b \(.*\) would both be node_modules\/b/);
  });
});
