import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './run-bundled.js';

/**
 * `npx nx g @etl/tools:pipeline` in a scratch copy of the repository, then the new project's lint,
 * typecheck, test and run with no edit in between. Nx's cache is off, so every task really runs; the
 * copy carries the repository's TypeScript build outputs (see scratchCopy), so `tsc --build` checks
 * the new pipeline and only re-checks a package whose sources differ from its last build.
 */
let scratch: string;
const generatedMinutes = 20;

/** Nx in the scratch copy only: no daemon, no cache, and none of the NX_* variables of the Nx running this test. */
const nxEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env['PATH'] ?? '',
  HOME: process.env['HOME'] ?? '',
  ...(process.env['TMPDIR'] ? { TMPDIR: process.env['TMPDIR'] } : {}),
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_SKIP_NX_CACHE: 'true',
});

function npx(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('npx', args, { cwd: scratch, env: nxEnv(), maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/**
 * The repository as git sees it (tracked files and untracked ones not ignored, as in the working tree:
 * the tree is shared, and a changed tracked file may name a new one), with the installed packages
 * linked in. Workspace packages are linked to the copy's own folders, as npm workspaces would link
 * them, so TypeScript's project references and vitest resolve inside the copy.
 */
function scratchCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-generator-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' });
  for (const file of files.split('\0')) {
    if (!file || !existsSync(join(repoRoot, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(repoRoot, file), join(dir, file));
  }
  copyBuildOutputs(dir);
  mkdirSync(join(dir, 'node_modules/@etl'), { recursive: true });
  for (const entry of readdirSync(join(repoRoot, 'node_modules'))) {
    if (entry !== '@etl') symlinkSync(join(repoRoot, 'node_modules', entry), join(dir, 'node_modules', entry));
  }
  const { workspaces } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { workspaces: string[] };
  for (const pattern of workspaces) {
    const folders = pattern.endsWith('/*')
      ? readdirSync(join(dir, pattern.slice(0, -2))).map((d) => join(pattern.slice(0, -2), d))
      : [pattern];
    for (const folder of folders) {
      const manifest = join(dir, folder, 'package.json');
      if (!existsSync(manifest)) continue;
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
      symlinkSync(join(dir, folder), join(dir, 'node_modules', name));
    }
  }
  return dir;
}

/**
 * The TypeScript outputs of every project as built in the repository (declarations and `.tsbuildinfo`
 * under dist/ and out-tsc/; not the container folders), and Nx's plugin caches (inferred targets keyed
 * by file hashes). Without them the copy's typecheck rebuilt every dependency from scratch (~2 of this
 * spec's 3 minutes). `tsc --build` still compares each package's sources with its build info and
 * rebuilds any that changed, so a stale or missing output costs time, never a wrong result.
 */
function copyBuildOutputs(dir: string): void {
  for (const project of execFileSync('git', ['ls-files', '-z', '--', '*package.json'], { cwd: repoRoot, encoding: 'utf8' }).split('\0')) {
    const root = dirname(project);
    if (!project || root === '.') continue;
    for (const output of ['dist', 'out-tsc']) {
      if (!existsSync(join(repoRoot, root, output))) continue;
      const containers = join(repoRoot, root, 'dist/container');
      cpSync(join(repoRoot, root, output), join(dir, root, output), {
        recursive: true,
        filter: (source) => source !== containers && !source.startsWith(`${containers}/`),
      });
    }
  }
  const nxData = join(repoRoot, '.nx/workspace-data');
  if (!existsSync(nxData)) return;
  mkdirSync(join(dir, '.nx/workspace-data'), { recursive: true });
  for (const file of readdirSync(nxData)) {
    if (file.endsWith('.hash') || file.startsWith('parsed-lock-file.')) cpSync(join(nxData, file), join(dir, '.nx/workspace-data', file));
  }
}

beforeAll(() => {
  scratch = scratchCopy();
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('pipeline generator (npx nx g @etl/tools:pipeline)', () => {
  it('refuses a name that is not kebab-case in one line, writing nothing', async () => {
    const { code, output } = await npx('nx', 'g', '@etl/tools:pipeline', 'Orders_To_Parquet', '--no-interactive');
    expect(code).not.toBe(0);
    expect(output).toContain('pipeline name "Orders_To_Parquet" is not kebab-case: use lower-case letters, digits and single dashes');
    expect(existsSync(join(scratch, 'pipelines/Orders_To_Parquet'))).toBe(false);
  });

  it(
    'makes a pipeline whose lint, typecheck, test and run pass as generated, and refuses the same name twice',
    async () => {
      const started = Date.now();
      const generated = await npx('nx', 'g', '@etl/tools:pipeline', 'demo-pipe', '--no-interactive');
      expect(generated.code, generated.output).toBe(0);
      expect(generated.output).toContain('CREATE pipelines/demo-pipe/src/job.ts');

      // Lint, typecheck and test in one Nx invocation (each computes the project graph anew), without
      // the tasks they depend on: the copy's build outputs are up to date (tsc --build still checks),
      // and the repository-wide promise lint every lint depends on would re-check each copied project
      // (~70 CPU-s): its rules are run on the new project alone instead. Then the run, after its bundle.
      const checked = await npx('nx', 'run-many', '-t', 'lint', 'typecheck', 'test', '-p', 'demo-pipe', '--excludeTaskDependencies');
      expect(checked.code, checked.output).toBe(0);
      const promises = await npx('eslint', '-c', 'eslint.promises.config.mjs', 'pipelines/demo-pipe');
      expect(promises.code, promises.output).toBe(0);
      const ran = await npx('nx', 'run', 'demo-pipe:run');
      expect(ran.code, ran.output).toBe(0);
      // The generated spec ran (vitest's JSON results, which vitest.shared.mjs writes for every project).
      const results = JSON.parse(readFileSync(join(scratch, '.local/test-results/demo-pipe.json'), 'utf8')) as { numPassedTests: number };
      expect(results.numPassedTests).toBe(2);

      const parquet = readFileSync(join(scratch, '.local/out/demo-pipe/demo-pipe.parquet'));
      expect(parquet.subarray(0, 4).toString('latin1')).toBe('PAR1');
      expect(parquet.subarray(-4).toString('latin1')).toBe('PAR1');
      console.log(`pipeline generator e2e: generate, lint + typecheck + test, run in ${((Date.now() - started) / 1000).toFixed(0)} s`);

      const again = await npx('nx', 'g', '@etl/tools:pipeline', 'demo-pipe', '--no-interactive');
      expect(again.code).not.toBe(0);
      expect(again.output).toContain('pipelines/demo-pipe already exists: choose another name');

      // Everything happened in the copy: the repository gained no file and no registration.
      const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repoRoot, encoding: 'utf8' });
      expect(status).not.toContain('demo-pipe');
      expect(execFileSync('git', ['diff', '--', 'tsconfig.json', 'package-lock.json'], { cwd: repoRoot, encoding: 'utf8' })).not.toContain(
        'demo-pipe',
      );
      expect(existsSync(join(repoRoot, 'pipelines/demo-pipe'))).toBe(false);
      expect(existsSync(join(repoRoot, '.local/out/demo-pipe'))).toBe(false);
    },
    generatedMinutes * 60_000,
  );
});
