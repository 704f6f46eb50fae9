import type { CampaignKit, CampaignSpec } from '@etl/chaos';
import { resources } from './resources.js';

const database = (kit: CampaignKit) => kit.name('shop');
const registered = (kit: CampaignKit) => kit.name('shop_cdc');
const root = (kit: CampaignKit) => `s3://${kit.bucket}`;
const TABLES = ['orders', 'customers'];
const COLUMNS = [
  { name: 'id', type: 'bigint' },
  { name: 'updated_at', type: 'timestamp' },
  { name: 'note', type: 'string' },
];
/** Row i's change time: rows i and i + rows/2 share a key, the later one wins. */
const stamp = (i: number) => new Date(Date.parse('2026-12-01T00:00:00Z') + i * 1000).toISOString();

/** chaos campaigns (tools/chaos): two Glue tables of Parquet (every key twice), deduplicated into changes/ and current/ with watermarks. */
export const campaign: CampaignSpec = {
  pipeline: 'catalog-cdc-to-parquet',
  services: ['s3', 'glue'],
  memoryMiB: resources.memoryMiB,
  phases: [
    // Table by table: read and dedup, publish changes/ then current/, then its watermark.
    { phase: 'reading', when: /^loading \d+ tables/ },
    { phase: 'committing', when: /^dataset published/ },
    { phase: 'watermark', when: /; watermark .* -> / },
  ],
  async seed(kit, { rows }) {
    for (const table of TABLES) {
      const location = `${root(kit)}/data/${table}/`;
      await kit.upsertTable({ database: database(kit), name: table, format: 'parquet', location, columns: COLUMNS, partitionKeys: [] });
      const half = Math.max(1, Math.floor(rows / 2));
      await kit.putParquet(
        `${location}part-000.parquet`,
        COLUMNS,
        Array.from({ length: rows }, (_, i) => [String(i % half), stamp(i), `${table} ${i}`]),
      );
    }
    await kit.put(`${root(kit)}/keys/keys.csv`, `table_name,primary_key\n${TABLES.map((t) => `${t},id`).join('\n')}\n`);
  },
  /** chaos:load: orders' files all under its table's prefix; customers one file. */
  async manyFiles(kit, { files, rowsPerFile }) {
    for (const table of TABLES) {
      const location = `${root(kit)}/data/${table}/`;
      await kit.upsertTable({ database: database(kit), name: table, format: 'parquet', location, columns: COLUMNS, partitionKeys: [] });
      for (let f = 0; f < (table === 'orders' ? files : 1); f++)
        await kit.putParquet(
          `${location}part-${String(f).padStart(5, '0')}.parquet`,
          COLUMNS,
          Array.from({ length: rowsPerFile }, (_, i) => [String(f * rowsPerFile + i), stamp(i), `${table} ${f}`]),
        );
    }
    await kit.put(`${root(kit)}/keys/keys.csv`, `table_name,primary_key\n${TABLES.map((t) => `${t},id`).join('\n')}\n`);
  },
  args: (kit) => [
    '--athena_database_name',
    database(kit),
    '--output_path',
    `${root(kit)}/out`,
    '--cdc_path',
    `${root(kit)}/cdc`,
    '--primary_key_s3_prefix',
    `${root(kit)}/keys/`,
    '--catalog_database',
    registered(kit),
    '--memory_mb',
    '32',
  ],
  async digest(kit) {
    const digest: Record<string, string[]> = {};
    for (const table of TABLES) {
      digest[`${table} current`] = await kit.datasetRows(`${root(kit)}/out/${table}/current/`);
      digest[`${table} changes`] = await kit.manifestRows(`${root(kit)}/out/${table}/changes/`);
      digest[`${table} watermark`] = [String(watermarkOf(await kit.text(`${root(kit)}/cdc/${table}.json`)))];
    }
    digest['catalog'] = (await kit.tables(registered(kit))).map((t) =>
      JSON.stringify({ name: t.name, columns: t.columns, partitionKeys: t.partitionKeys, format: t.format }),
    );
    return digest;
  },
  async watermarkAhead(kit) {
    const ahead: string[] = [];
    for (const table of TABLES) {
      const watermark = watermarkOf(await kit.text(`${root(kit)}/cdc/${table}.json`));
      if (watermark === undefined) continue;
      const latest = (await kit.datasetRows(`${root(kit)}/out/${table}/current/`))
        .map((row) => String((JSON.parse(row) as { updated_at: string }).updated_at))
        .sort()
        .at(-1);
      if (latest === undefined || Date.parse(latest) < Date.parse(watermark))
        ahead.push(`${table}: watermark ${watermark}, published data up to ${latest ?? 'nothing'}`);
    }
    return ahead;
  },
};

function watermarkOf(text: string | undefined): string | undefined {
  return text === undefined ? undefined : (JSON.parse(text) as { value?: string }).value;
}
