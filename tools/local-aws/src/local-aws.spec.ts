import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startLocalAws } from './local-aws.js';

describe('startLocalAws', () => {
  it('answers S3 on the printed endpoint and leaves no process behind', async () => {
    const stack = await startLocalAws();
    const url = stack.endpoints['S3'];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${url}/`);
    expect(response.status).toBeLessThan(500);
    await stack.stop();
    const port = new URL(url ?? '').port;
    const listening = execFileSync('bash', ['-c', `ss -ltn | grep -c ":${port} " || true`]).toString().trim();
    expect(listening).toBe('0');
  });
});
