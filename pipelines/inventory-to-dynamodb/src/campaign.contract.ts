import type { CampaignKit, CampaignSpec } from '@etl/chaos';
import { resources } from './resources.js';

const table = (kit: CampaignKit) => kit.name('inventory');
const output = (kit: CampaignKit) => `s3://${kit.bucket}/out/`;
const SCHEMA =
  'column_name,data_type,nullable,key_order\nwarehouse,varchar(8),false,1\nsku,varchar(16),false,2\nname,varchar(64),true,\nquantity,int,true,\nprice,"decimal(12,2)",true,\n';

/** chaos campaigns (tools/chaos): an inventory CSV (every 50th row bad) diff-synced into a DynamoDB table, and its Parquet. */
export const campaign: CampaignSpec = {
  pipeline: 'inventory-to-dynamodb',
  services: ['s3', 'dynamodb'],
  memoryMiB: resources.memoryMiB,
  phases: [
    // The file is converted to Parquet (held unpublished) in one pass before the first DynamoDB write, then
    // read again into DynamoDB; the Parquet is published after the last DynamoDB write.
    { phase: 'converting', when: /^reading / },
    { phase: 'writing', when: /^creating DynamoDB table|^using DynamoDB table/ },
    { phase: 'publishing', when: /^publishing / },
    { phase: 'committing', when: / written to DynamoDB; / },
  ],
  async seed(kit, { rows }) {
    const lines = Array.from({ length: rows }, (_, i) =>
      i % 50 === 49 ? `W${i % 3},SKU-${i},bad row,not a number,1.00` : `W${i % 3},SKU-${i},item ${i % 101},${i % 500},${(i % 9000) / 100}`,
    );
    await kit.put(`s3://${kit.bucket}/in/schema.csv`, SCHEMA);
    // chaos:inputs' hostile files: an id, then a name.
    await kit.put(
      `s3://${kit.bucket}/in/hostile-schema.csv`,
      'column_name,data_type,nullable,key_order\nid,varchar(64),false,1\nname,varchar(256),true,\n',
    );
    await kit.put(`s3://${kit.bucket}/in/inventory.csv`, `warehouse,sku,name,quantity,price\n${lines.join('\n')}\n`);
  },
  args: (kit) => [
    '--source',
    `s3://${kit.bucket}/in/inventory.csv`,
    '--schema',
    `s3://${kit.bucket}/in/schema.csv`,
    '--table_prefix',
    table(kit),
    '--create_table',
    'yes',
    '--output',
    output(kit),
  ],
  async digest(kit) {
    const files = (await kit.keys(output(kit))).filter((key) => key.endsWith('.parquet'));
    const rowsByFile = await Promise.all(files.map((key) => kit.rows(`${output(kit)}${key}`)));
    return {
      // created_at / updated_at are the run's clock.
      items: (await kit.items(table(kit))).map((item) => item.replace(/"\d{4}-\d\d-\d\dT[\d:.]+Z"/g, '"<time>"')),
      // Every run writes all rows to its own file (part-00000-<run id>): the newest is the table's snapshot, and no file is partial.
      parquet: rowsByFile.at(-1) ?? [],
      parquetFileRows: [...new Set(rowsByFile.map((rows) => String(rows.length)))],
    };
  },
  csv: {
    args: (kit, uri) => [
      '--source',
      uri,
      '--schema',
      `s3://${kit.bucket}/in/hostile-schema.csv`,
      '--table_prefix',
      table(kit),
      '--create_table',
      'yes',
      '--output',
      output(kit),
    ],
  },
};
