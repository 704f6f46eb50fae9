import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFaultProxy, startLocalAws, type FaultOptions, type FaultProxy, type LocalService } from '@etl/local-aws';
import type { CampaignSpec } from './campaign.js';
import type { CampaignContext } from './campaign-run.js';
import { stackClients } from './kit.js';

const ENV_SUFFIX: Record<LocalService, string> = { s3: 'S3', glue: 'GLUE', dynamodb: 'DYNAMODB', 'redshift-data': 'REDSHIFT_DATA' };

/** Requests a service's fault proxy saw and the faults it injected (errors, resets, withheld batch items). */
export type FaultCounts = Partial<Record<LocalService, { requests: number; injected: number }>>;

/**
 * One local AWS stack for a whole campaign, with the stand-ins its pipelines need, and the context its
 * runs share. With `faults`, proxies go in front of those services for the pipelines only: the
 * harness's own clients (seeding, digests) talk to the stand-ins directly, so every fault counted is
 * one a pipeline met.
 */
export async function withCampaignStack<T>(
  specs: readonly CampaignSpec[],
  options: { faults?: FaultOptions & { services: readonly LocalService[] } },
  body: (context: CampaignContext, faults: () => FaultCounts) => Promise<T>,
): Promise<T> {
  const services = [...new Set(specs.flatMap((spec) => spec.services))];
  const stack = await startLocalAws({ services });
  const proxies: Partial<Record<LocalService, FaultProxy>> = {};
  const workRoot = mkdtempSync(join(tmpdir(), 'chaos-'));
  const clients = stackClients(stack.env);
  try {
    const env: Record<string, string> = { ...stack.env };
    const faults = options.faults;
    for (const service of faults?.services ?? []) {
      const upstream = stack.endpoints[ENV_SUFFIX[service]];
      if (!faults || !upstream) continue; // no pipeline of this campaign uses it
      const proxy = await startFaultProxy(service, upstream, faults);
      proxies[service] = proxy;
      env[`AWS_ENDPOINT_URL_${ENV_SUFFIX[service]}`] = proxy.endpoint;
    }
    const counts = (): FaultCounts =>
      Object.fromEntries(
        Object.entries(proxies).map(([service, proxy]) => [
          service,
          { requests: proxy.stats.requests, injected: proxy.stats.errors + proxy.stats.resets + proxy.stats.unprocessed },
        ]),
      );
    return await body({ clients, workRoot, env, runs: 0 }, counts);
  } finally {
    await clients.close();
    for (const proxy of Object.values(proxies)) await proxy.stop();
    await stack.stop();
    rmSync(workRoot, { recursive: true, force: true });
  }
}
