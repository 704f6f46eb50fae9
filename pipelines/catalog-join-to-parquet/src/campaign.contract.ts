import type { CampaignKit, CampaignSpec } from '@etl/chaos';
import { resources } from './resources.js';

const database = (kit: CampaignKit) => kit.name('crm');
const registered = (kit: CampaignKit) => kit.name('crm_joined');
const root = (kit: CampaignKit) => `s3://${kit.bucket}`;
const stamp = (i: number) => new Date(Date.parse('2026-12-01T00:00:00Z') + i * 1000).toISOString();
const TABLES = {
  accounts: [
    { name: 'account_id', type: 'bigint' },
    { name: 'name', type: 'string' },
    { name: 'updated_at', type: 'timestamp' },
  ],
  orders: [
    { name: 'order_id', type: 'bigint' },
    { name: 'account_id', type: 'bigint' },
    { name: 'amount', type: 'decimal(12,2)' },
    { name: 'updated_at', type: 'timestamp' },
  ],
};
const withoutRun = (text: string) =>
  text.replace(/run_id=[^/",]+/g, 'run_id=<run>').replace(/\d{8}T\d{6}(?:\d{3})?Z-[0-9a-f]{8}/g, '<run>');

/** chaos campaigns (tools/chaos): accounts and their orders (two each) in Glue, joined on account_id into a registered dataset. */
export const campaign: CampaignSpec = {
  pipeline: 'catalog-join-to-parquet',
  services: ['s3', 'glue'],
  memoryMiB: resources.memoryMiB,
  phases: [
    // Reading, joining and writing the run's files are one pass; then its manifest, the watermarks, the catalog.
    { phase: 'joining', when: /load: \w+ join of/ },
    { phase: 'committing', when: /^dataset published/ },
    { phase: 'registering', when: /^published \d+ joined rows|^catalog table/ },
  ],
  async seed(kit, { rows }) {
    const accounts = Math.max(1, Math.floor(rows / 3));
    const data = {
      accounts: Array.from({ length: accounts }, (_, i) => [String(i), `account ${i}`, stamp(i)]),
      orders: Array.from({ length: rows - accounts }, (_, i) => [String(i), String(i % accounts), `${i}.50`, stamp(i)]),
    };
    for (const [name, columns] of Object.entries(TABLES)) {
      const location = `${root(kit)}/data/${name}/`;
      await kit.upsertTable({ database: database(kit), name, format: 'parquet', location, columns, partitionKeys: [] });
      await kit.putParquet(`${location}part-000.parquet`, columns, data[name as keyof typeof data]);
    }
  },
  args: (kit) => [
    '--database_name',
    database(kit),
    '--timestamp_s3_path',
    `${root(kit)}/state/last_load_timestamp.csv`,
    '--output_path',
    `${root(kit)}/out`,
    '--catalog_database',
    registered(kit),
    '--memory_mb',
    '16',
  ],
  // A run killed between its publish and its timestamp file is redone by the next run: the same keys, the
  // same rows, in a second run folder and partition (README, "Incremental": at least once, the timestamp never
  // ahead). Readers take each key's latest run, so the digest holds distinct rows and partitions.
  async digest(kit) {
    const tables = await kit.tables(registered(kit));
    const partitions = (await Promise.all(tables.map((t) => kit.partitions(registered(kit), t.name)))).flat();
    return {
      joined: [...new Set(await kit.manifestRows(`${root(kit)}/out/`))],
      watermarks: ((await kit.text(`${root(kit)}/state/last_load_timestamp.csv`)) ?? '').split('\n').filter(Boolean),
      catalog: tables.map((t) => JSON.stringify({ name: t.name, columns: t.columns, partitionKeys: t.partitionKeys })),
      partitions: [...new Set(partitions.map((p) => withoutRun(JSON.stringify(p))))],
    };
  },
  async watermarkAhead(kit) {
    // A watermark moves only with a published run: none may be recorded while no run's rows are readable.
    const watermarks = ((await kit.text(`${root(kit)}/state/last_load_timestamp.csv`)) ?? '').split('\n').slice(1).filter(Boolean);
    if (watermarks.length === 0) return [];
    const joined = await kit.manifestRows(`${root(kit)}/out/`);
    return joined.length === 0 ? [`watermarks ${watermarks.join('; ')} recorded, no joined rows published`] : [];
  },
};
