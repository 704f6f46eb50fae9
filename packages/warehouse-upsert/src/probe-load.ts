import { describeError } from '@etl/core';
import { joinUri, type ObjectStore } from '@etl/object-store';
import { quoteQualified } from '@etl/sql';
import { auditTable, DESCRIBE_TABLE_SQL, tableParameters } from '@etl/table-sync';
import type { Warehouse } from '@etl/warehouse';

/** One probe of a load's environment: what was checked, and what is wrong (none: it passed). */
export interface LoadProbe {
  check: string;
  problem?: string;
}

/**
 * What a load needs of its warehouse and staging, probed without loading anything, so a new
 * environment is validated before its first load: the warehouse answers; the target's schema
 * exists and takes new tables (staging tables go there too); the target table, when it exists,
 * takes SELECT, INSERT, DELETE, and the audit table INSERT; staged files can be written; and, on
 * Redshift, COPY can read the staging prefix with the IAM role: a 0-row COPY of an empty object
 * into a temporary table, in one batch (a temporary table lives in its session). The empty object
 * is the only thing written, and it is deleted again.
 */
export async function probeLoad(
  input: { table: string; stagingPrefix: string; runId: string },
  deps: { warehouse: Warehouse; objects: ObjectStore },
  signal?: AbortSignal,
): Promise<LoadProbe[]> {
  const { warehouse, objects } = deps;
  const options = signal ? { signal } : {};
  const { schema, table } = tableParameters(input.table);
  const probes: LoadProbe[] = [];
  const probe = async (check: string, run: () => Promise<string | undefined>): Promise<boolean> => {
    try {
      const problem = await run();
      probes.push(problem ? { check, problem } : { check });
      return problem === undefined;
    } catch (error) {
      probes.push({ check, problem: describeError(error).message.split('\n')[0] ?? 'failed' });
      return false;
    }
  };
  const yes = (value: unknown) => value === true || value === 't' || value === 'true';

  if (!(await probe(`the warehouse (${warehouse.name}) answers`, async () => void (await warehouse.query('SELECT 1', {}, options)))))
    return probes; // nothing else can be asked
  await probe(`schema ${schema} exists and takes new tables (the target's, and its staging tables)`, async () => {
    const found = await warehouse.query(
      'SELECT HAS_SCHEMA_PRIVILEGE(nspname, :create) FROM pg_catalog.pg_namespace WHERE nspname = :schema',
      { schema, create: 'CREATE' },
      options,
    );
    if (found.rows.length === 0)
      return `schema ${schema} does not exist: create it (CREATE SCHEMA ${schema}) or name another in --target_table`;
    return yes(found.rows[0]?.[0])
      ? undefined
      : `no CREATE privilege on schema ${schema}: GRANT CREATE ON SCHEMA ${schema} TO <the load's user>`;
  });
  const exists = (await warehouse.query(DESCRIBE_TABLE_SQL, { schema, table }, options).catch(() => ({ rows: [] }))).rows.length > 0;
  if (exists)
    await probe(`${input.table} takes SELECT, INSERT and DELETE`, () =>
      privileges(warehouse, input.table, ['SELECT', 'INSERT', 'DELETE'], options),
    );
  const audit = auditTable(input.table);
  const auditExists =
    (await warehouse.query(DESCRIBE_TABLE_SQL, tableParameters(audit), options).catch(() => ({ rows: [] }))).rows.length > 0;
  if (auditExists) await probe(`the audit table ${audit} takes INSERT`, () => privileges(warehouse, audit, ['INSERT'], options));

  const empty = joinUri(input.stagingPrefix, `${input.runId}-check`, 'empty.csv');
  const written = await probe(`staged files can be written under ${input.stagingPrefix}`, async () => {
    await objects.put(empty, Buffer.alloc(0));
    return undefined;
  });
  try {
    if (written && warehouse.name === 'redshift-data')
      await probe('COPY reads the staging prefix with the IAM role (a 0-row COPY into a temporary table)', async () => {
        const load = {
          table: 'etl_check_copy',
          columns: ['probe'],
          stagingUri: `${joinUri(input.stagingPrefix, `${input.runId}-check`)}/`,
        };
        await warehouse.transaction(
          [
            'CREATE TEMP TABLE etl_check_copy (probe VARCHAR(1))',
            warehouse.copyStatement(load),
            // A session the Data API reuses keeps its temporary tables: leave none behind.
            'DROP TABLE etl_check_copy',
          ],
          options,
        );
        return undefined;
      });
  } finally {
    if (written) await objects.deleteMany([empty]).catch(() => undefined);
  }
  return probes;
}

async function privileges(
  warehouse: Warehouse,
  table: string,
  wanted: readonly string[],
  options: { signal?: AbortSignal },
): Promise<string | undefined> {
  const missing: string[] = [];
  for (const privilege of wanted) {
    const { rows } = await warehouse.query(
      'SELECT HAS_TABLE_PRIVILEGE(:table, :privilege)',
      { table: quoteQualified(table), privilege },
      options,
    );
    const granted = rows[0]?.[0];
    if (!(granted === true || granted === 't' || granted === 'true')) missing.push(privilege);
  }
  return missing.length === 0
    ? undefined
    : `no ${missing.join(', ')} privilege on ${table}: GRANT ${missing.join(', ')} ON ${table} TO <the load's user>`;
}
