import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { s3ClientFor } from './aws-clients.js';
import { startEmbeddedDynamoDb } from '@etl/dynamodb-embedded';
import { startFaultProxy, type FaultOptions, type FaultProxy } from './faults/fault-proxy.js';
import type { FaultService } from './faults/service-errors.js';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { startDynamoDbExportFront, type DynamoDbExportFrontOptions } from './dynamodb-export/index.js';
import { startMoto } from './moto.js';
import { openSqlBackend, startRedshiftData, type WarehouseEngine } from './redshift-data/index.js';

/** moto and the other stand-ins accept any credentials; these are the ones the stack prints and tests use. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local-secret', region: 'us-east-1' } as const;

export type LocalService = 's3' | 'glue' | 'dynamodb' | 'redshift-data';
export const ALL_SERVICES: readonly LocalService[] = ['s3', 'dynamodb', 'redshift-data', 'glue'];

export interface LocalAwsOptions {
  /** Which stand-ins to start (default all). */
  services?: readonly LocalService[];
  /**
   * Where DynamoDB tables and the warehouse persist (`<dataDir>/dynamodb`, `<dataDir>/warehouse`).
   * Without it they live in memory. S3 and Glue (moto) always live in memory.
   */
  dataDir?: string;
  /** Engine behind the Redshift Data API: in-process PGlite (default) or a throwaway PostgreSQL 15 cluster. */
  warehouse?: WarehouseEngine;
  /** DynamoDB stand-in: in-process dynalite (default, fast) or Amazon's DynamoDB Local on Java (the reference). */
  dynamodb?: 'dynalite' | 'dynamodb-local';
  /**
   * The DynamoDB export front (native export, PITR; see README): its clock (tests move it to make
   * 15-minute windows), how long an export stays IN_PROGRESS at least, items per data file.
   */
  dynamodbExport?: Pick<DynamoDbExportFrontOptions, 'clock' | 'minExportMs' | 'itemsPerFile'>;
  /** Put a fault-injecting proxy in front of these services. */
  faults?: FaultOptions & { services: readonly LocalService[] };
  motoPort?: number;
}

export interface LocalAws {
  /** `AWS_ENDPOINT_URL_<SERVICE>` values, keyed by suffix: `S3`, `DYNAMODB`, `REDSHIFT_DATA`, `GLUE`. */
  readonly endpoints: Readonly<Record<string, string>>;
  /** Every environment variable an AWS SDK client needs to reach the stack. */
  readonly env: Readonly<Record<string, string>>;
  /** Fault proxies by service, when fault injection is on. */
  readonly faults: Readonly<Partial<Record<LocalService, FaultProxy>>>;
  /** Connection string of the PostgreSQL cluster behind the Redshift stand-in (`warehouse: 'postgres'`), for psql or direct checks. */
  readonly warehouseUrl?: string;
  stop(): Promise<void>;
}

const ENV_SUFFIX: Record<LocalService, string> = { s3: 'S3', glue: 'GLUE', dynamodb: 'DYNAMODB', 'redshift-data': 'REDSHIFT_DATA' };

function startDynamoDb(options: LocalAwsOptions) {
  const dataDir = options.dataDir
    ? join(options.dataDir, options.dynamodb === 'dynamodb-local' ? 'dynamodb-local' : 'dynamodb')
    : undefined;
  if (options.dynamodb === 'dynamodb-local') {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    return startDynamoDbLocal(dataDir ? { dataDir } : {});
  }
  return startEmbeddedDynamoDb(dataDir ? { dataDir } : {});
}

/** Starts the local stand-ins for AWS on loopback; `stop()` ends them all, child processes included. */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const services = new Set(options.services ?? ALL_SERVICES);
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  const track = <T extends { stop(): Promise<void> }>(started: T): T => {
    stops.push(() => started.stop());
    return started;
  };
  // The warehouse engine is closed by the Redshift front once it owns it, else here.
  let engineOwnedByFront = false;
  const trackEngine = <T extends { close(): Promise<void> }>(opened: T): T => {
    stops.push(async () => (engineOwnedByFront ? undefined : opened.close()));
    return opened;
  };
  try {
    const direct: Partial<Record<LocalService, string>> = {};
    const needsMoto = services.has('s3') || services.has('glue') || services.has('redshift-data');
    // Start the slow parts side by side: moto (a Python process), the warehouse engine, dynalite.
    const [moto, backend, dynamo] = await Promise.all([
      needsMoto ? startMoto(options.motoPort === undefined ? {} : { port: options.motoPort }).then(track) : undefined,
      services.has('redshift-data')
        ? openSqlBackend(options.warehouse ?? 'pglite', options.dataDir ? join(options.dataDir, 'warehouse') : undefined).then(trackEngine)
        : undefined,
      services.has('dynamodb') ? startDynamoDb(options).then(track) : undefined,
    ]);
    if (moto && services.has('s3')) direct.s3 = moto.endpoint;
    if (moto && services.has('glue')) direct.glue = moto.endpoint;
    if (moto && backend) {
      // COPY reads staging files from the S3 stand-in directly, never through a fault proxy.
      const s3 = s3ClientFor(moto.endpoint);
      stops.push(async () => s3.destroy());
      const redshift = await startRedshiftData({ backend, s3 });
      engineOwnedByFront = true;
      stops.push(() => redshift.stop());
      direct['redshift-data'] = redshift.endpoint;
    }
    if (dynamo) {
      // DynamoDB's native export (and PITR) answered in front of the stand-in, which lacks them; exports go to the S3 stand-in.
      const s3 = moto && services.has('s3') ? s3ClientFor(moto.endpoint) : undefined;
      if (s3) stops.push(async () => s3.destroy());
      const front = await startDynamoDbExportFront({ upstream: dynamo.endpoint, ...(s3 ? { s3 } : {}), ...options.dynamodbExport });
      stops.push(() => front.stop());
      direct.dynamodb = front.endpoint;
    }

    const faults: Partial<Record<LocalService, FaultProxy>> = {};
    const endpoints: Record<string, string> = {};
    for (const service of ALL_SERVICES) {
      const endpoint = direct[service];
      if (!endpoint) continue;
      if (options.faults?.services.includes(service)) {
        const proxy = await startFaultProxy(service as FaultService, endpoint, options.faults);
        stops.push(() => proxy.stop());
        faults[service] = proxy;
        endpoints[ENV_SUFFIX[service]] = proxy.endpoint;
      } else endpoints[ENV_SUFFIX[service]] = endpoint;
    }
    return {
      endpoints,
      faults,
      ...(backend?.url ? { warehouseUrl: backend.url } : {}),
      env: {
        ...Object.fromEntries(Object.entries(endpoints).map(([suffix, url]) => [`AWS_ENDPOINT_URL_${suffix}`, url])),
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_REGION: LOCAL_CREDENTIALS.region,
        // The AWS CLI v1 (and older SDKs) read only this one.
        AWS_DEFAULT_REGION: LOCAL_CREDENTIALS.region,
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
