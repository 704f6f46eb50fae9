import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from './run-bundled.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { name?: string; 'runs-on': string; steps: Step[] }>;
}

const workflow = parse(readFileSync(`${repoRoot}.github/workflows/ci.yml`, 'utf8')) as Workflow;
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const using = (action: string) => steps.filter((s) => s.uses?.split('@')[0] === action);
const running = (command: string) => steps.filter((s) => s.run?.includes(command));

describe('.github/workflows/ci.yml', () => {
  it('runs on pushes to main and on pull requests, every job and step named', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    expect(workflow.on['push']).toEqual({ branches: ['main'] });
    expect(Object.keys(workflow.jobs).length).toBeGreaterThan(0);
    for (const [id, job] of Object.entries(workflow.jobs)) {
      expect(job.name, `job ${id}`).toMatch(/\w/);
      expect(job.steps.length, `job ${id}`).toBeGreaterThan(0);
      for (const [n, step] of job.steps.entries()) expect(step.name, `job ${id}, step ${n + 1}`).toMatch(/\w/);
    }
  });

  it('tests only what a change affects: full history, base and head SHAs the Nx way, then nx affected', () => {
    expect(using('actions/checkout')).toEqual([expect.objectContaining({ with: { 'fetch-depth': 0 } })]);
    expect(using('nrwl/nx-set-shas')).toHaveLength(1);
    expect(workflow.permissions).toMatchObject({ actions: 'read', contents: 'read' }); // nx-set-shas reads earlier runs
    const affected = running('npx nx affected -t lint typecheck test');
    expect(affected).toHaveLength(1);
    // The SHAs are set before nx affected reads them, after the install.
    const order = (step: Step | undefined) => steps.indexOf(step as Step);
    expect(order(using('nrwl/nx-set-shas')[0])).toBeLessThan(order(affected[0]));
    expect(order(running('npm ci')[0])).toBeLessThan(order(affected[0]));
    expect(running('npx nx run-many')).toEqual([]); // the whole suite is .ci/run's job, not this workflow's
  });

  it('sets up Node 20 with the npm cache and what the local AWS stack needs (moto, PostgreSQL, Java)', () => {
    expect(using('actions/setup-node')).toEqual([expect.objectContaining({ with: { 'node-version': 20, cache: 'npm' } })]);
    expect(running('pip install "moto[server]')).toHaveLength(1);
    expect(running('postgresql')).toHaveLength(1);
    expect(running('openjdk')).toHaveLength(1);
  });

  it('builds the affected pipelines’ images (container folder, then docker build) on main only', () => {
    const image = running('npx nx affected -t image');
    expect(image).toHaveLength(1);
    expect(image[0]?.if).toBe("github.ref == 'refs/heads/main'");
  });
});
