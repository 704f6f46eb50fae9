import type { CampaignKit, CampaignSpec } from '@etl/chaos';
import { resources } from './resources.js';

const table = (kit: CampaignKit) => kit.name('invoices');
const registered = (kit: CampaignKit) => kit.name('retail');
const output = (kit: CampaignKit) => `s3://${kit.bucket}/out/invoices/`;
const withoutRun = (text: string) => text.replace(/run_id=[^/",]+/g, 'run_id=<run>');

/** chaos campaigns (tools/chaos): a DynamoDB table scanned to a month-partitioned Parquet dataset and its catalog table. */
export const campaign: CampaignSpec = {
  pipeline: 'dynamodb-to-parquet',
  services: ['s3', 'dynamodb', 'glue'],
  memoryMiB: resources.memoryMiB,
  phases: [
    { phase: 'scanning', when: / started$/ },
    { phase: 'writing', when: /items scanned/ },
    { phase: 'committing', when: /^dataset published/ },
    { phase: 'registering', when: /^catalog table/ },
  ],
  async seed(kit, { rows }) {
    const items = Array.from({ length: rows }, (_, i) => ({
      InvoiceNo: { S: `INV-${Math.floor(i / 4)}` },
      StockCode: { S: `SKU-${i % 4}` },
      InvoiceDate: { S: `2026-${String((i % 12) + 1).padStart(2, '0')}-15T10:00:00Z` },
      Quantity: { N: String(i % 17) },
      UnitPrice: { N: `${i % 100}.25` },
      Description: { S: `item ${i % 301}` },
    }));
    await kit.createItems(table(kit), ['InvoiceNo', 'StockCode'], items);
  },
  args: (kit) => [
    '--table',
    table(kit),
    '--output_path',
    output(kit),
    '--partition_by',
    'InvoiceDate:month',
    '--catalog_database',
    registered(kit),
  ],
  async digest(kit) {
    const tables = await kit.tables(registered(kit));
    const partitions = (await Promise.all(tables.map((t) => kit.partitions(registered(kit), t.name)))).flat();
    return {
      rows: await kit.datasetRows(output(kit)),
      catalog: tables.map((t) =>
        withoutRun(JSON.stringify({ name: t.name, columns: t.columns, partitionKeys: t.partitionKeys, location: t.location })),
      ),
      partitions: partitions.map((p) => withoutRun(JSON.stringify(p))),
    };
  },
};
