import { publishTable, type Catalog } from '@etl/catalog';
import type { RunContext } from '@etl/core';
import { hiveType, type DatasetResult } from '@etl/dataset';
import type { CatalogJoinConfig } from './config.js';
import type { JoinPlan } from './join-plan.js';

/**
 * The output as one catalog table (Athena reads every run's folder): `<output_path>/`, partitioned by
 * `load_date` and `run_id`, this run's folder added as a partition. After the publish and before the
 * watermarks: a run that fails here moved none, and the rerun registers its own folder.
 */
export async function registerOutput(
  catalog: Catalog,
  config: CatalogJoinConfig,
  result: DatasetResult,
  schema: JoinPlan['schema'],
  ctx: RunContext,
): Promise<void> {
  const [, loadDate = '', runId = ''] = /load_date=([^/]+)\/run_id=([^/]+)\/?$/.exec(result.generation) ?? [];
  const name = config.catalog_table ?? `${config.database_name}_joined`;
  await publishTable(
    catalog,
    {
      database: config.catalog_database as string,
      name,
      format: 'parquet',
      location: `${config.output_path.replace(/\/$/, '')}/`,
      columns: schema.fields.map((f) => ({ name: f.name, type: hiveType(f.type) })),
      partitionKeys: [
        { name: 'load_date', type: 'string' },
        { name: 'run_id', type: 'string' },
      ],
    },
    [{ values: [loadDate, runId], location: `${result.generation.replace(/\/$/, '')}/` }],
    { logger: ctx.logger },
  );
  ctx.logger.info(
    { table: `${config.catalog_database}.${name}`, partition: [loadDate, runId] },
    `registered the run in ${config.catalog_database}.${name}`,
  );
}
