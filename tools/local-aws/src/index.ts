export type { ChildService } from './child-service.js';
export { startChildService, answersHttp } from './child-service.js';
export { freePort } from './free-port.js';
export type { MotoServer } from './moto.js';
export { startMoto, motoAvailable, MOTO_MISSING } from './moto.js';
export type { LocalAws, LocalAwsOptions, LocalService } from './local-aws.js';
export { startLocalAws, LOCAL_CREDENTIALS, ALL_SERVICES } from './local-aws.js';
export { s3ClientFor } from './aws-clients.js';
export type { DynamoDbStandIn } from './dynamodb-local.js';
export { startDynamoDbLocal } from './dynamodb-local.js';
export { startFaultProxy, type FaultProxy, type FaultOptions } from './faults/fault-proxy.js';
export {
  openSqlBackend,
  startRedshiftData,
  localRedshiftArgs,
  LOCAL_WORKGROUP,
  LOCAL_COPY_ROLE,
  type RedshiftDataStandIn,
  type WarehouseEngine,
} from './redshift-data/index.js';
export { startDynamoDbExportFront, type DynamoDbExportFront, type DynamoDbExportFrontOptions } from './dynamodb-export/index.js';
