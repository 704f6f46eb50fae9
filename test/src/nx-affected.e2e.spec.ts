import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './run-bundled.js';

/** The projects `nx affected` would run for a change to these files (no commit needed), as CI chooses them. */
function affectedBy(...files: string[]): string[] {
  const out = execFileSync(
    process.execPath,
    [`${repoRoot}node_modules/nx/dist/bin/nx.js`, 'show', 'projects', '--affected', `--files=${files.join(',')}`, '--json'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      // Not the outer Nx task's variables: a plain CLI call, as in CI.
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    },
  );
  return (JSON.parse(out) as string[]).sort();
}

/** Every pipeline project (each folder under pipelines/ is the project of that name). */
const pipelines = readdirSync(`${repoRoot}pipelines`).sort();
const affectedPipelines = (projects: string[]) => projects.filter((p) => pipelines.includes(p));

describe('nx affected: what CI runs for a change', () => {
  it('a change to a format package affects the pipelines that use it, not the others', () => {
    // table-sync (type:format) plans csv-to-redshift's warehouse loads, through warehouse-upsert.
    const projects = affectedBy('packages/table-sync/src/index.ts');
    expect(projects).toEqual(expect.arrayContaining(['table-sync', 'warehouse-upsert', 'csv-to-redshift', 'e2e']));
    expect(affectedPipelines(projects)).toEqual(['csv-to-redshift']);
    expect(projects).not.toContain('sample-orders');
    expect(projects).not.toContain('core'); // what it depends on is not re-run
  });

  it('a change to packages/csv reaches every pipeline, sample-orders through the local AWS stack its dependencies test with', () => {
    // csv-to-redshift and inventory-to-dynamodb parse CSV; sample-orders reads NDJSON, but object-store's
    // specs start tools/local-aws, which imports @etl/csv, and Nx counts spec imports as dependencies.
    const projects = affectedBy('packages/csv/src/index.ts');
    expect(affectedPipelines(projects)).toEqual(pipelines);
    expect(projects).toEqual(expect.arrayContaining(['csv', 'convert', 'local-aws', 'object-store']));
    expect(projects).not.toContain('core');
  });

  it('a change to one pipeline affects that pipeline, the projects built on pipelines and the repository-wide promise lint, no package', () => {
    const projects = affectedBy('pipelines/sample-orders/src/job.ts');
    expect(affectedPipelines(projects)).toEqual(['sample-orders']);
    // nx-plugin hosts lint-promises, whose inputs are every TypeScript file (eslint.promises.config.mjs).
    expect(projects.filter((p) => !pipelines.includes(p) && !['e2e', 'deploy'].includes(p))).toEqual(['nx-plugin']);
  });

  it('a change to the CI workflow runs the spec that validates it', () => {
    expect(affectedBy('.github/workflows/ci.yml')).toEqual(['e2e']);
  });
});
