// Every pipeline's declaration, read from its folder: the deploy tool is the one place that composes all
// pipelines (no runtime code imports it), so the module-boundary rule is off for this file (eslint.config.mjs).
import { resources as catalogCdcToParquet } from '../../../pipelines/catalog-cdc-to-parquet/src/resources.js';
import { resources as catalogJoinToParquet } from '../../../pipelines/catalog-join-to-parquet/src/resources.js';
import { resources as csvToRedshift } from '../../../pipelines/csv-to-redshift/src/resources.js';
import { resources as dynamodbToParquet } from '../../../pipelines/dynamodb-to-parquet/src/resources.js';
import { resources as inventoryToDynamodb } from '../../../pipelines/inventory-to-dynamodb/src/resources.js';
import { resources as sampleOrders } from '../../../pipelines/sample-orders/src/resources.js';
import type { PipelineResources } from './declaration.js';

/** Pipeline name (its folder under pipelines/) -> its declaration; typed here, so a wrong field fails typecheck. */
export const pipelines: Readonly<Record<string, PipelineResources>> = {
  'catalog-cdc-to-parquet': catalogCdcToParquet,
  'catalog-join-to-parquet': catalogJoinToParquet,
  'csv-to-redshift': csvToRedshift,
  'dynamodb-to-parquet': dynamodbToParquet,
  'inventory-to-dynamodb': inventoryToDynamodb,
  'sample-orders': sampleOrders,
};
