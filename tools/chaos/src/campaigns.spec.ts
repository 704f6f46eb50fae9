import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { startLocalAws, type LocalAws } from '@etl/local-aws';
import type { CampaignSpec } from './campaign.js';
import { cleanRun, type CampaignContext } from './campaign-run.js';
import { campaignPipelines, loadCampaign } from './campaigns.js';
import { crashCampaign, crashFailed } from './crash.js';
import { faultsCampaign, faultsFailed } from './faults.js';
import { hostileCases } from './hostile-cases.js';
import { corpusFiles, inputsCampaign, writeHostileCases } from './inputs.js';
import { stackClients } from './kit.js';
import { bigFileConvert, manyFilesLoad } from './load.js';
import { startFaultProxies, type FaultProxies } from './stack.js';

/**
 * The short campaigns `npm test` runs, so a regression fails CI: every pipeline with a campaign spec, on
 * one local AWS stack (its start is a good part of the CPU). The long ones are the chaos:* targets.
 */
let stack: LocalAws;
let context: CampaignContext;
let proxies: FaultProxies;
const specs = new Map<string, CampaignSpec>();

beforeAll(async () => {
  stack = await startLocalAws();
  context = { clients: stackClients(stack.env), workRoot: mkdtempSync(join(tmpdir(), 'chaos-short-')), env: stack.env, runs: 0 };
  proxies = await startFaultProxies(stack, { failRate: 0.05, seed: 5, services: ['s3', 'dynamodb', 'redshift-data', 'glue'] });
  for (const pipeline of campaignPipelines()) specs.set(pipeline, await loadCampaign(pipeline));
}, 120_000);

afterAll(async () => {
  await proxies?.stop();
  await context?.clients.close();
  await stack?.stop();
  if (context) rmSync(context.workRoot, { recursive: true, force: true });
});

const spec = (pipeline: string) => specs.get(pipeline) as CampaignSpec;

describe('chaos:crash and chaos:faults, short: one uninterrupted run per pipeline is the reference', () => {
  const scale = { rows: 1000 };
  it.each(campaignPipelines())(
    '%s: killed outright and rerun, or run with 5% of its requests failed as AWS fails them: nothing lost or duplicated',
    async (pipeline) => {
      const clean = await cleanRun(context, spec(pipeline), scale);
      // Kill moments are drawn from the work after the runtime's start line, not from Node's start.
      expect(clean.workMs).toBeGreaterThan(0);
      expect(clean.workMs).toBeLessThan(clean.durationMs);
      const crash = await crashCampaign(context, spec(pipeline), { runs: 1, seed: 11, scale, clean });
      // One kill: a run that ended before its moment is compared too, and another started (3 runs at most).
      const killed = crash.runs - (crash.kills['ended'] ?? 0);
      expect(killed === 1 || (killed === 0 && crash.runs === 3), `${crash.runs} runs, ${killed} killed`).toBe(true);
      expect(crash.problems.join('\n')).toBe('');
      expect(crashFailed(crash)).toBe(false);
      const faults = await faultsCampaign(context, spec(pipeline), proxies, { runs: 1, scale, clean });
      expect(faults.problems.join('\n')).toBe('');
      expect(faultsFailed(faults)).toBe(false);
      expect(Object.keys(faults.services).sort()).toEqual([...spec(pipeline).services].sort());
    },
    120_000,
  );

  it("leaves nothing of a finished run on the shared stack: buckets, DynamoDB tables and warehouse schemas named with a run's suffix", async () => {
    expect(context.runs).toBeGreaterThan(0);
    const buckets = (await context.clients.s3.send(new ListBucketsCommand({}))).Buckets ?? [];
    expect(buckets.map((b) => b.Name).filter((name) => name?.startsWith('chaos-'))).toEqual([]);
    const tables = (await context.clients.dynamodb.send(new ListTablesCommand({}))).TableNames ?? [];
    expect(tables.filter((name) => /_k\d+$/.test(name))).toEqual([]);
    const schemas = await context.clients.warehouse.query('SELECT schema_name FROM information_schema.schemata');
    expect((schemas.rows as string[][]).map(([name]) => name).filter((name) => /_k\d+$/.test(name as string))).toEqual([]);
  });
});

describe('chaos:inputs, short: hostile files through etl convert and every CSV-reading pipeline', () => {
  it('never crashes; every failure names its file; completed runs read = written + rejected', async () => {
    const generated = await writeHostileCases(join(context.workRoot, 'generated'), hostileCases({ lineBytes: 256 * 1024 }));
    // Three corpus files (a fuzzer's crasher, UTF-16, a corrupt Parquet) and every generated case through etl convert;
    // two cases through each pipeline (the long campaign gives every pipeline every file).
    const sampled = corpusFiles().filter((file) => /fuzzing\/13\.csv$|encodings\/utf16\.csv$|bad_data\/PARQUET-1481\.parquet$/.test(file));
    expect(sampled).toHaveLength(3);
    const figures = await inputsCampaign(context, {
      convertFiles: [...sampled, ...generated],
      pipelineFiles: generated.filter((file) => /unclosed-quote|ragged-rows/.test(file)),
      specs: [...specs.values()],
    });
    expect(figures.map((f) => f.target)).toEqual(['etl convert', ...[...specs.values()].filter((s) => s.csv).map((s) => s.pipeline)]);
    expect(figures.flatMap((f) => f.problems).join('\n')).toBe('');
    expect(figures.every((f) => f.outcomes.crashed === 0)).toBe(true);
  }, 180_000);
});

describe('chaos:load, short: many small files under one prefix, one bigger file through etl convert', () => {
  it('every pipeline that declares manyFiles loads them all within its declared memory; etl convert within its bound', async () => {
    const loaders = [...specs.values()].filter((s) => s.manyFiles);
    expect(loaders.map((s) => s.pipeline).sort()).toEqual(['catalog-cdc-to-parquet', 'csv-to-redshift']);
    const figures = [];
    for (const loader of loaders) figures.push(await manyFilesLoad(context, loader, { files: 10, rowsPerFile: 10 }));
    figures.push(await bigFileConvert(context, { mib: 2, boundMiB: 512 }));
    expect(figures.flatMap((f) => f.problems).join('\n')).toBe('');
    for (const f of figures) expect(f.peakRssMiB, f.target).toBeGreaterThan(0);
  }, 180_000);
});
