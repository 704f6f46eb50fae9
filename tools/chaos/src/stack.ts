import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFaultProxy, startLocalAws, type FaultOptions, type FaultProxy, type LocalAws, type LocalService } from '@etl/local-aws';
import type { CampaignSpec } from './campaign.js';
import type { CampaignContext } from './campaign-run.js';
import { stackClients } from './kit.js';

const ENV_SUFFIX: Record<LocalService, string> = { s3: 'S3', glue: 'GLUE', dynamodb: 'DYNAMODB', 'redshift-data': 'REDSHIFT_DATA' };

/** Requests a service's fault proxy saw and the faults it injected (errors, resets, withheld batch items). */
export type FaultCounts = Partial<Record<LocalService, { requests: number; injected: number }>>;

export interface FaultProxies {
  /** The stack's environment with the faulty services' endpoints replaced by their proxies'. */
  env: Record<string, string>;
  counts(): FaultCounts;
  stop(): Promise<void>;
}

/**
 * Fault proxies in front of a running stack's services, for the pipelines only: the harness keeps
 * talking to the stand-ins directly (seeding, digests), so every fault counted is one a pipeline met.
 */
export async function startFaultProxies(
  stack: LocalAws,
  faults: FaultOptions & { services: readonly LocalService[] },
): Promise<FaultProxies> {
  const proxies: Partial<Record<LocalService, FaultProxy>> = {};
  const env: Record<string, string> = { ...stack.env };
  for (const service of faults.services) {
    const upstream = stack.endpoints[ENV_SUFFIX[service]];
    if (!upstream) continue; // no pipeline of this campaign uses it
    const proxy = await startFaultProxy(service, upstream, faults);
    proxies[service] = proxy;
    env[`AWS_ENDPOINT_URL_${ENV_SUFFIX[service]}`] = proxy.endpoint;
  }
  return {
    env,
    counts: () =>
      Object.fromEntries(
        Object.entries(proxies).map(([service, proxy]) => [
          service,
          { requests: proxy.stats.requests, injected: proxy.stats.errors + proxy.stats.resets + proxy.stats.unprocessed },
        ]),
      ),
    async stop() {
      for (const proxy of Object.values(proxies)) await proxy.stop();
    },
  };
}

/**
 * One local AWS stack for a whole campaign, with the stand-ins its pipelines need, and the context its
 * runs share (with `faults`, the pipelines' environment goes through fault proxies).
 */
export async function withCampaignStack<T>(
  specs: readonly CampaignSpec[],
  options: { faults?: FaultOptions & { services: readonly LocalService[] } },
  body: (context: CampaignContext, faults?: FaultProxies) => Promise<T>,
): Promise<T> {
  const stack = await startLocalAws({ services: [...new Set(specs.flatMap((spec) => spec.services))] });
  const workRoot = mkdtempSync(join(tmpdir(), 'chaos-'));
  const clients = stackClients(stack.env);
  let proxies: FaultProxies | undefined;
  try {
    proxies = options.faults ? await startFaultProxies(stack, options.faults) : undefined;
    return await body({ clients, workRoot, env: stack.env, runs: 0 }, proxies);
  } finally {
    await clients.close();
    await proxies?.stop();
    await stack.stop();
    rmSync(workRoot, { recursive: true, force: true });
  }
}
