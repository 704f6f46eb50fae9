import type { CampaignKit, CampaignSpec } from '@etl/chaos';
import { localRedshiftArgs } from '@etl/local-aws';
import { resources } from './resources.js';

/** Each run its own schema (the target, its audit table and its staging tables live there). */
const schema = (kit: CampaignKit) => kit.name('chaos');
const folder = (kit: CampaignKit) => `s3://${kit.bucket}/in/`;

/** chaos campaigns (tools/chaos): the CSV files of a folder upserted into a table of the local Redshift, audited and archived. */
export const campaign: CampaignSpec = {
  pipeline: 'csv-to-redshift',
  services: ['s3', 'redshift-data'],
  memoryMiB: resources.memoryMiB,
  phases: [
    // Reading and staging are one pass; then the plan's DDL and the COPY, the merge, the audit row and the archive.
    { phase: 'reading', when: /^reading / },
    { phase: 'copying', when: /: staged \d+ typed rows/ },
    { phase: 'merging', when: /: COPY into / },
    { phase: 'committing', when: /: merged into / },
  ],
  async seed(kit, { rows }) {
    await kit.sql(`CREATE SCHEMA ${schema(kit)}`);
    const lines = Array.from(
      { length: rows },
      (_, i) => `${i + 1},${i % 1000}.25,"note, ${i}",2026-11-${String((i % 28) + 1).padStart(2, '0')}`,
    );
    await kit.put(`${folder(kit)}orders.csv`, `order_id,amount,note,ordered_on\n${lines.join('\n')}\n`);
  },
  // The folder, as a scheduled load reads it: a rerun after the file was archived finds nothing left to do.
  args: (kit) => [
    '--source',
    folder(kit),
    '--target_table',
    `${schema(kit)}.orders`,
    '--upsert_keys',
    'order_id',
    ...localRedshiftArgs(kit.bucket),
  ],
  async manyFiles(kit, { files, rowsPerFile }) {
    await kit.sql(`CREATE SCHEMA ${schema(kit)}`);
    for (let f = 0; f < files; f++) {
      const lines = Array.from({ length: rowsPerFile }, (_, i) => `${f * rowsPerFile + i + 1},${i}.25,"file ${f}",2026-11-01`);
      await kit.put(`${folder(kit)}orders-${String(f).padStart(5, '0')}.csv`, `order_id,amount,note,ordered_on\n${lines.join('\n')}\n`);
    }
  },
  async digest(kit) {
    const rows = await kit.sql(`SELECT order_id, amount, note, ordered_on FROM ${schema(kit)}.orders ORDER BY order_id`).catch(() => []);
    const audit = await kit
      .sql(
        `SELECT source_filename, target_table_name, status, records_read, records_inserted, records_updated, records_rejected FROM ${schema(kit)}.job_sts`,
      )
      .catch(() => []);
    return {
      orders: rows.map((r) => JSON.stringify(r)),
      audit: audit.map((r) => JSON.stringify(r)),
      archived: await kit.keys(`s3://${kit.bucket}/archive/`),
      source: await kit.keys(`s3://${kit.bucket}/in/`),
    };
  },
  async staging(kit) {
    const tables = await kit.sql(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = :schema AND table_name LIKE 'stg%'`,
      {
        schema: schema(kit),
      },
    );
    const files = await kit.keys(`s3://${kit.bucket}/staging/`);
    return [...tables.map((t) => `table ${String(t[0])}`), ...files.map((f) => `staged ${f}`)];
  },
  csv: {
    prefix: true,
    args: (kit, uri) => [
      '--source',
      uri,
      '--target_table',
      `${schema(kit)}.hostile`,
      '--upsert_keys',
      'id',
      ...localRedshiftArgs(kit.bucket),
    ],
  },
};
