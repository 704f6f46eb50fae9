import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FileCatalog } from '@etl/catalog';
import type { DatasetResult } from '@etl/dataset';
import { LocalObjectStore } from '@etl/object-store';
import { parseType } from '@etl/schema';
import { registerOutputs } from './register-outputs.js';

const dir = mkdtempSync(join(tmpdir(), 'cdc-register-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function published(generation: string): DatasetResult {
  return {
    runId: 'r1',
    generation,
    manifest: `${generation}/_manifest.json`,
    files: [],
    rows: 0,
    bytes: 0,
    partitions: [],
    swept: [],
    dropped: [],
  };
}

describe('registerOutputs', () => {
  it('registers columns with Hive types Athena reads (a zoned timestamp as timestamp, varchar and JSON as string)', async () => {
    const catalog = new FileCatalog(new LocalObjectStore(), join(dir, 'catalog'));
    const out = pathToFileURL(join(dir, 'out')).href;
    const schema = {
      fields: [
        { name: 'id', type: parseType('bigint'), nullable: false },
        { name: 'note', type: parseType('varchar(20)'), nullable: true },
        { name: 'doc', type: parseType('json'), nullable: true },
        { name: 'amount', type: parseType('decimal(12,2)'), nullable: true },
        { name: 'updated_at', type: parseType('timestamptz'), nullable: true },
      ],
    };
    await registerOutputs(
      catalog,
      'lake',
      'orders',
      schema,
      { current: published(`${out}/orders/current/run_id=r1`), changes: [] },
      `${out}/orders/changes`,
    );
    const table = await catalog.getTable('lake', 'orders');
    expect(table?.columns).toEqual([
      { name: 'id', type: 'bigint' },
      { name: 'note', type: 'string' },
      { name: 'doc', type: 'string' },
      { name: 'amount', type: 'decimal(12,2)' },
      { name: 'updated_at', type: 'timestamp' },
    ]);
    expect(table?.location).toBe(`${out}/orders/current/run_id=r1/`);
  });
});
