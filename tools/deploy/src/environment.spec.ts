import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readEnvironment, renameResources, targetOf } from './environment.js';
import { pipelines } from './pipelines.js';
import { taskPolicy } from './policy.js';

const projectRoot = fileURLToPath(new URL('../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'deploy-env-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const write = (name: string, content: unknown) => writeFileSync(join(scratch, `${name}.json`), JSON.stringify(content));

describe('deployment environments', () => {
  it('renames buckets inside every s3:// URI and whole declared names elsewhere, leaving the rest as declared', () => {
    const renamed = renameResources(pipelines, {
      'etl-lake': 'acme-prod-lake',
      'etl-landing': 'acme-prod-landing',
      'etl-warehouse': 'prod-wh',
      analytics: 'dw',
    });
    const redshift = renamed['csv-to-redshift'];
    expect(redshift?.runOutput).toBe('s3://acme-prod-lake/runs/csv-to-redshift/');
    expect(redshift?.s3?.map((g) => g.uri)).toEqual(['s3://acme-prod-landing/customers/', 's3://acme-prod-lake/staging/csv-to-redshift/']);
    expect(redshift?.redshift).toMatchObject({ clusterId: 'prod-wh', database: 'dw', secretName: 'etl/redshift/loader' });
    expect(redshift?.trigger).toMatchObject({
      bucket: 'acme-prod-landing',
      prefix: 'customers/in/',
      args: { cluster_id: 'prod-wh', database: 'dw', staging_prefix: 's3://acme-prod-lake/staging/csv-to-redshift/' },
    });
    // Nothing declared is changed in place.
    expect(pipelines['csv-to-redshift']?.runOutput).toBe('s3://etl-lake/runs/csv-to-redshift/');
    expect(JSON.stringify(renamed)).not.toMatch(/s3:\/\/etl-(lake|landing)\b/);
  });

  it('refuses a name no declaration uses (a typo would deploy the declared name unnoticed)', () => {
    expect(() => renameResources(pipelines, { 'etl-lake': 'x-lake', 'etl-lnading': 'x-landing' })).toThrow(
      'names "etl-lnading" match nothing the pipelines declare (pipelines/*/src/resources.ts): fix the spelling or remove them',
    );
  });

  it('reads environments/<name>.json and names the file and the field at fault', () => {
    write('prod', { account: '123456789012', region: 'eu-central-1', names: { 'etl-lake': 'acme-lake' } });
    expect(targetOf(readEnvironment(scratch, 'prod'))).toEqual({ account: '123456789012', region: 'eu-central-1', partition: 'aws' });
    write('bad', { account: '1234', region: 'Frankfurt', name: {} });
    expect(() => readEnvironment(scratch, 'bad')).toThrow(
      [
        `${join(scratch, 'bad.json')}: unknown field "name" (fields: account, region, partition, names)`,
        `${join(scratch, 'bad.json')}: account: "1234" is not a 12-digit AWS account id`,
        `${join(scratch, 'bad.json')}: region: "Frankfurt" is not an AWS region name such as eu-west-1`,
      ].join('\n'),
    );
    expect(() => readEnvironment(scratch, 'staging')).toThrow(/--environment staging: no .*staging\.json; environments: bad, prod/);
    expect(() => readEnvironment(scratch, '../prod')).toThrow(
      `--environment ../prod: give the name of a file in ${scratch}/ without .json`,
    );
  });

  it("the shipped example's task policies and trigger name only the environment's resources", () => {
    const example = readEnvironment(join(projectRoot, 'environments'), 'example');
    const renamed = renameResources(pipelines, example.names ?? {});
    for (const [pipeline, resources] of Object.entries(renamed)) {
      const text = JSON.stringify([taskPolicy(resources, targetOf(example)), resources.trigger ?? null, resources.schedule ?? null]);
      expect(text, pipeline).not.toMatch(/etl-(lake|landing|warehouse)\b/);
    }
    const csvToRedshift = renamed['csv-to-redshift'];
    if (!csvToRedshift) throw new Error('no csv-to-redshift declaration');
    const policy = JSON.stringify(taskPolicy(csvToRedshift, targetOf(example)));
    expect(policy).toContain('arn:aws:s3:::example-landing/customers/*');
    expect(policy).toContain('cluster:example-warehouse');
  });

  it('deploy:synth --environment with a missing environment exits 2 with one line and writes nothing', () => {
    const outdir = join(scratch, 'none.out');
    // The synth target's own command: bundle main.ts (beside the project's node_modules), then run it.
    execFileSync(process.execPath, ['../../tools/bundle.mjs', 'src/main.ts', 'dist/main-spec.mjs', '--external-packages', '--if-stale'], {
      cwd: projectRoot,
    });
    const synth = (args: readonly string[]): { status: number | null; stderr: string } => {
      try {
        execFileSync(process.execPath, ['dist/main-spec.mjs', ...args], { cwd: projectRoot, encoding: 'utf8', stdio: 'pipe' });
        return { status: 0, stderr: '' };
      } catch (error) {
        return error as { status: number; stderr: string };
      }
    };
    const result = synth(['--environment', 'prdo', '--outdir', outdir]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^--environment prdo: no .*prdo\.json; environments: example/),
    ]);
    expect(existsSync(outdir)).toBe(false);
    // A mistyped option and bad --account/--region flags: exit 2, one line each, nothing written.
    for (const [args, lines] of [
      [['--environmnt', 'example'], [/^Unknown option '--environmnt'.*; usage: deploy:synth \[--environment <name>\]/]],
      [
        ['--account', '12', '--region', 'EU_WEST_1'],
        [/^--account: "12" is not a 12-digit AWS account id$/, /^--region: "EU_WEST_1" is not an AWS region name such as eu-west-1$/],
      ],
    ] as const) {
      const failed = synth([...args, '--outdir', outdir]);
      expect(failed.status).toBe(2);
      expect(failed.stderr.trim().split('\n')).toEqual(lines.map((line) => expect.stringMatching(line)));
      expect(existsSync(outdir)).toBe(false);
    }
  });
});
