import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBundled } from './run-bundled.js';

const dir = mkdtempSync(join(tmpdir(), 'chaos-run-bundled-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

describe('startBundled(...).logged: the moment a run logs a line, the anchor of kill moments', () => {
  it('resolves true once a later stdout line matches, even when the line arrives in two writes', async () => {
    const file = script(
      'late.mjs',
      `process.stdout.write('{"msg":"loading"}\\n{"msg":"run r1 of j');
       setTimeout(() => process.stdout.write(' started"}\\n'), 200);
       setTimeout(() => {}, 400);`,
    );
    const run = startBundled(file, [], { cwd: dir, env: {} });
    const started = Date.now();
    expect(await run.logged(/"msg":"run \S+ of \S+ .*started/)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect((await run.done).code).toBe(0);
  });

  it('resolves false when the process ends without the line', async () => {
    const run = startBundled(script('never.mjs', `console.log('{"msg":"something else"}'); process.exit(3);`), [], { cwd: dir, env: {} });
    expect(await run.logged(/started/)).toBe(false);
    expect((await run.done).code).toBe(3);
  });
});
