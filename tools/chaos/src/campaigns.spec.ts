import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '@etl/local-aws';
import type { CampaignContext } from './campaign-run.js';
import { campaignPipelines, loadCampaign } from './campaigns.js';
import { crashCampaign, crashFailed } from './crash.js';
import { stackClients } from './kit.js';

/**
 * The short campaigns `npm test` runs, so a regression fails CI: every pipeline with a campaign spec,
 * on one local AWS stack (its start is most of the CPU). The long ones are the chaos:* targets.
 */
let stack: LocalAws;
let context: CampaignContext;

beforeAll(async () => {
  stack = await startLocalAws();
  context = { clients: stackClients(stack.env), workRoot: mkdtempSync(join(tmpdir(), 'chaos-short-')), env: stack.env, runs: 0 };
}, 120_000);

afterAll(async () => {
  await context?.clients.close();
  await stack?.stop();
  if (context) rmSync(context.workRoot, { recursive: true, force: true });
});

describe('chaos:crash, short: killed outright at a seeded moment and rerun', () => {
  it.each(campaignPipelines())(
    '%s: nothing lost, duplicated, orphaned or left staged, no watermark ahead',
    async (pipeline) => {
      const figures = await crashCampaign(context, await loadCampaign(pipeline), { runs: 1, seed: 11, scale: { rows: 1000 } });
      expect(figures.runs).toBe(1);
      expect(figures.problems).toEqual([]);
      expect(crashFailed(figures)).toBe(false);
    },
    120_000,
  );
});
