import { readJson, writeJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import pipelineGenerator from './generator.mjs';

/** A workspace with the packages a generated pipeline uses, a root tsconfig.json and an npm lock, in memory. */
let tree: Tree;
const packages = ['convert', 'core', 'object-store', 'runtime'];
/** Tools a generated pipeline's test code imports: the chaos campaigns. */
const tools = ['chaos'];

beforeEach(() => {
  tree = createTreeWithEmptyWorkspace();
  tree.delete('.oxfmtrc.json'); // the workspace formats with Prettier (formatFiles reads `.prettierrc` from a tree)
  writeJson(tree, '.prettierrc', { printWidth: 140, singleQuote: true, trailingComma: 'all', arrowParens: 'always' });
  writeJson(tree, 'package.json', { name: '@etl/workspace', private: true, workspaces: ['packages/*', 'pipelines/*'] });
  writeJson(tree, 'tsconfig.json', { files: [], references: [{ path: './packages/core' }] });
  const lock: Record<string, unknown> = { '': { name: '@etl/workspace', workspaces: ['packages/*', 'pipelines/*'] } };
  for (const name of packages) {
    writeJson(tree, `packages/${name}/package.json`, { name: `@etl/${name}`, version: '0.0.0', nx: { name } });
    lock[`node_modules/@etl/${name}`] = { resolved: `packages/${name}`, link: true };
    lock[`packages/${name}`] = { name: `@etl/${name}`, version: '0.0.0' };
  }
  for (const name of tools) {
    writeJson(tree, `tools/${name}/package.json`, { name: `@etl/${name}`, version: '0.0.0', nx: { name } });
    lock[`node_modules/@etl/${name}`] = { resolved: `tools/${name}`, link: true };
    lock[`tools/${name}`] = { name: `@etl/${name}`, version: '0.0.0' };
  }
  lock['node_modules/zod'] = { version: '4.0.0' };
  writeJson(tree, 'package-lock.json', { name: '@etl/workspace', lockfileVersion: 3, requires: true, packages: lock });
});

describe('pipeline generator', () => {
  it('writes pipelines/<name> in the house shape, its references matching the packages it imports', async () => {
    await pipelineGenerator(tree, { name: 'orders-to-parquet' });
    const root = 'pipelines/orders-to-parquet';
    expect(readJson(tree, `${root}/package.json`)).toMatchObject({
      name: '@etl/orders-to-parquet',
      private: true,
      type: 'module',
      exports: { '.': { '@etl/source': './src/index.ts' } },
      nx: { name: 'orders-to-parquet', tags: ['type:pipeline'] },
      dependencies: { '@etl/convert': '*', '@etl/core': '*', '@etl/runtime': '*' },
    });
    expect(readJson(tree, `${root}/package.json`)).not.toHaveProperty('nx.targets');
    expect(
      readJson<{ references: { path: string }[] }>(tree, `${root}/tsconfig.lib.json`)
        .references.map((r) => r.path)
        .sort(),
    ).toEqual([...packages.map((p) => `../../packages/${p}/tsconfig.lib.json`), ...tools.map((t) => `../../tools/${t}/tsconfig.lib.json`)]);
    const job = tree.read(`${root}/src/job.ts`, 'utf8') ?? '';
    expect(job).toContain('export const ordersToParquetJob = defineJob({');
    expect(job).toContain('await runPipeline(from(rows).into(sink), ctx);');
    expect(tree.read(`${root}/src/config.ts`, 'utf8')).toContain("'.local/out/orders-to-parquet/orders-to-parquet.parquet',");
    expect(tree.read(`${root}/src/main.ts`, 'utf8')).toContain('runMain(ordersToParquetJob);');
    for (const file of ['src/index.ts', 'src/job.spec.ts', 'sample/orders.csv', 'sample/README.md', 'README.md', 'eslint.config.mjs'])
      expect(tree.exists(`${root}/${file}`), file).toBe(true);
    expect(tree.exists(`${root}/src/job.ts__tmpl__`)).toBe(false);
  });

  it('registers the project in the root tsconfig.json and in package-lock.json, keys in npm order', async () => {
    await pipelineGenerator(tree, { name: 'orders-to-parquet' });
    expect(readJson(tree, 'tsconfig.json').references).toEqual([{ path: './packages/core' }, { path: './pipelines/orders-to-parquet' }]);
    const lock = readJson<{ packages: Record<string, unknown> }>(tree, 'package-lock.json').packages;
    expect(lock['node_modules/@etl/orders-to-parquet']).toEqual({ resolved: 'pipelines/orders-to-parquet', link: true });
    expect(lock['pipelines/orders-to-parquet']).toEqual({
      name: '@etl/orders-to-parquet',
      version: '0.0.0',
      dependencies: { '@etl/convert': '*', '@etl/core': '*', '@etl/runtime': '*' },
      devDependencies: { '@etl/chaos': '*', '@etl/object-store': '*' },
    });
    const keys = Object.keys(lock);
    expect(keys).toEqual([...keys].sort((a, b) => a.localeCompare(b, 'en')));
    expect(keys.indexOf('node_modules/@etl/orders-to-parquet')).toBeLessThan(keys.indexOf('node_modules/zod'));
  });

  it('writes its chaos campaign spec where tools/chaos finds it (src/campaign.contract.ts), typechecked with the specs', async () => {
    await pipelineGenerator(tree, { name: 'orders-to-parquet' });
    const root = 'pipelines/orders-to-parquet';
    const campaign = tree.read(`${root}/src/campaign.contract.ts`, 'utf8') ?? '';
    expect(campaign).toContain("import type { CampaignSpec } from '@etl/chaos';");
    expect(campaign).toContain("pipeline: 'orders-to-parquet',");
    expect(campaign).toContain('memoryMiB: resources.memoryMiB,');
    expect(readJson(tree, `${root}/package.json`).devDependencies).toHaveProperty('@etl/chaos', '*');
    expect(readJson(tree, `${root}/tsconfig.lib.json`).exclude).toContain('src/**/*.contract.ts');
    expect(readJson(tree, `${root}/tsconfig.spec.json`).include).toContain('src/**/*.contract.ts');
  });

  it('refuses, in one line and writing nothing, a name that is not kebab-case or is taken', async () => {
    const before = tree.listChanges().length;
    await expect(pipelineGenerator(tree, { name: 'Orders_To_Parquet' })).rejects.toThrow(
      /^pipeline name "Orders_To_Parquet" is not kebab-case: use lower-case letters, digits and single dashes, e\.g\. orders-to-parquet$/,
    );
    await expect(pipelineGenerator(tree, { name: 'core' })).rejects.toThrow(
      'an Nx project named "core" already exists: choose another name',
    );
    expect(tree.listChanges()).toHaveLength(before);
    await pipelineGenerator(tree, { name: 'orders-to-parquet' });
    await expect(pipelineGenerator(tree, { name: 'orders-to-parquet' })).rejects.toThrow(
      'pipelines/orders-to-parquet already exists: choose another name',
    );
  });
});
