import { readFileSync } from 'node:fs';
import { readJson, writeJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { addDeployEntry } from './deploy-entry.mjs';

/** tools/deploy as it is in the repository: the entry is added to the real file's shape. */
const pipelinesSource = readFileSync(new URL('../../../../deploy/src/pipelines.ts', import.meta.url), 'utf8');
let tree: Tree;

beforeEach(() => {
  tree = createTreeWithEmptyWorkspace();
  tree.write('tools/deploy/src/pipelines.ts', pipelinesSource);
  writeJson(tree, 'tools/deploy/package.json', {
    name: '@etl/deploy',
    dependencies: { 'aws-cdk-lib': '2.278.0', '@etl/sample-orders': '*' },
  });
  writeJson(tree, 'tools/deploy/tsconfig.lib.json', { references: [{ path: '../../pipelines/sample-orders/tsconfig.lib.json' }] });
  writeJson(tree, 'package-lock.json', {
    packages: { 'tools/deploy': { name: '@etl/deploy', dependencies: { '@etl/sample-orders': '*' } } },
  });
});

describe('addDeployEntry', () => {
  it("imports the pipeline's resources.ts into the deployment and records the dependency, the reference and the lock entry", () => {
    addDeployEntry(tree, 'orders-to-parquet', 'ordersToParquet');
    const source = tree.read('tools/deploy/src/pipelines.ts', 'utf8') ?? '';
    expect(source).toContain("import { resources as ordersToParquet } from '../../../pipelines/orders-to-parquet/src/resources.js';\n");
    expect(source).toMatch(/export const pipelines[^{]*\{[^}]*'orders-to-parquet': ordersToParquet,\n\};/);
    expect(source.indexOf("'orders-to-parquet'")).toBeGreaterThan(source.indexOf("'sample-orders'"));
    expect(Object.keys(readJson(tree, 'tools/deploy/package.json').dependencies)).toEqual([
      '@etl/orders-to-parquet',
      '@etl/sample-orders',
      'aws-cdk-lib',
    ]);
    expect(readJson(tree, 'tools/deploy/tsconfig.lib.json').references).toContainEqual({
      path: '../../pipelines/orders-to-parquet/tsconfig.lib.json',
    });
    expect(readJson(tree, 'package-lock.json').packages['tools/deploy'].dependencies).toEqual({
      '@etl/orders-to-parquet': '*',
      '@etl/sample-orders': '*',
    });
  });

  it('leaves a workspace without tools/deploy alone', () => {
    tree.delete('tools/deploy/src/pipelines.ts');
    addDeployEntry(tree, 'orders-to-parquet', 'ordersToParquet');
    expect(readJson(tree, 'tools/deploy/package.json').dependencies).not.toHaveProperty('@etl/orders-to-parquet');
  });

  it('the generated pipeline starts with a resources.ts', () => {
    expect(readFileSync(new URL('./files/src/resources.ts__tmpl__', import.meta.url), 'utf8')).toContain(
      "runOutput: 's3://etl-lake/runs/<%= name %>/'",
    );
  });
});
