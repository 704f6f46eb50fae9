import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from './fault-proxy.js';

let upstream: ReturnType<typeof createServer>;
let upstreamUrl: string;

beforeAll(async () => {
  upstream = createServer((_req, res) => res.end('{"ok":true}'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

async function statuses(seed: number, count: number): Promise<Array<number | 'reset'>> {
  const proxy = await startFaultProxy('redshift-data', upstreamUrl, { failRate: 0.4, seed });
  const out: Array<number | 'reset'> = [];
  for (let i = 0; i < count; i++) {
    try {
      out.push((await fetch(proxy.endpoint, { method: 'POST', body: '{}' })).status);
    } catch {
      out.push('reset');
    }
  }
  await proxy.stop();
  return out;
}

describe('fault proxy', () => {
  it('injects the same faults for the same seed, at about the configured rate', async () => {
    const first = await statuses(42, 60);
    expect(await statuses(42, 60)).toEqual(first);
    const failures = first.filter((s) => s !== 200).length;
    expect(failures).toBeGreaterThan(10);
    expect(failures).toBeLessThan(40);
    expect(await statuses(43, 60)).not.toEqual(first);
  });
});
