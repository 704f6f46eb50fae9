import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetDatabasesCommand, GlueClient } from '@aws-sdk/client-glue';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';

function processesMatching(pattern: string): number {
  try {
    return Number(execFileSync('pgrep', ['-fc', '--', pattern]).toString().trim());
  } catch {
    return 0; // pgrep exits 1 when nothing matches
  }
}

const serveBundle = fileURLToPath(new URL('../dist/serve.mjs', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'serve-'));
// PostgreSQL runs as the `postgres` user when the tests run as root: it must be able to reach the folder.
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('serve (the bundled command)', () => {
  // How fast `ready` comes is measured by `nx run bench:local-aws-startup`, not asserted here.
  it('prints endpoint and credential lines, then ready; SIGTERM leaves no process behind (python, java, postgres)', async () => {
    const child = spawn(process.execPath, [serveBundle, '--data-dir', dataDir, '--warehouse', 'postgres', '--dynamodb', 'dynamodb-local'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready\n')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    });
    const lines = out.trim().split('\n');
    expect(lines.at(-1)).toBe('ready');
    const env = Object.fromEntries(lines.slice(0, -1).map((l) => l.split('=') as [string, string]));
    expect(Object.keys(env)).toEqual([
      'AWS_ENDPOINT_URL_S3',
      'AWS_ENDPOINT_URL_DYNAMODB',
      'AWS_ENDPOINT_URL_REDSHIFT_DATA',
      'AWS_ENDPOINT_URL_GLUE',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
    ]);
    for (const key of Object.keys(env).filter((k) => k.startsWith('AWS_ENDPOINT_URL_')))
      expect(env[key]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const credentials = { accessKeyId: env['AWS_ACCESS_KEY_ID'] ?? '', secretAccessKey: env['AWS_SECRET_ACCESS_KEY'] ?? '' };
    const glue = new GlueClient({ endpoint: env['AWS_ENDPOINT_URL_GLUE'], region: env['AWS_REGION'], credentials });
    expect((await glue.send(new GetDatabasesCommand({}))).DatabaseList).toEqual([]);
    glue.destroy();
    const dynamo = new DynamoDBClient({ endpoint: env['AWS_ENDPOINT_URL_DYNAMODB'], region: env['AWS_REGION'], credentials });
    expect((await dynamo.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    dynamo.destroy();

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited, `serve's stderr:\n${err}`).toBe(0);
    // moto (python), DynamoDB Local (java) and PostgreSQL are all gone.
    for (const key of ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_DYNAMODB']) {
      await expect(fetch(`http://127.0.0.1:${new URL(env[key] ?? '').port}/`)).rejects.toThrow();
    }
    // Only this stack's processes: other tests may run their own DynamoDB Local or PostgreSQL meanwhile.
    expect(processesMatching(`${dataDir}/warehouse/pgdata`)).toBe(0);
    expect(processesMatching(`DynamoDBLocal.jar -port ${new URL(env['AWS_ENDPOINT_URL_DYNAMODB'] ?? '').port}`)).toBe(0);
  });
});
