import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from './fault-proxy.js';

const BODY = '{"ok":true}';
let upstream: ReturnType<typeof createServer>;
let upstreamUrl: string;

beforeAll(async () => {
  // As S3 answers: a HEAD says the length of the body a GET would get.
  upstream = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(BODY.length) });
    res.end(req.method === 'HEAD' ? undefined : BODY);
  });
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

  it("passes a HEAD answer's content-length on (the object's size, not the empty body's)", async () => {
    const proxy = await startFaultProxy('s3', upstreamUrl, { failRate: 0, seed: 1 });
    try {
      const head = await fetch(proxy.endpoint, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(BODY.length));
      const get = await fetch(proxy.endpoint);
      expect(get.headers.get('content-length')).toBe(String(BODY.length));
      expect(await get.text()).toBe(BODY);
    } finally {
      await proxy.stop();
    }
  });
});
