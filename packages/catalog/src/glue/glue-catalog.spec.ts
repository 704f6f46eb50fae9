import { GlueClient } from '@aws-sdk/client-glue';
import { afterAll, beforeAll } from 'vitest';
import { startLocalAws, type LocalAws } from '@etl/local-aws';
import { catalogContract } from '../catalog.contract.js';
import { GlueCatalog } from './glue-catalog.js';

let stack: LocalAws;
let catalog: GlueCatalog;
let client: GlueClient;
let n = 0;

beforeAll(async () => {
  stack = await startLocalAws({ services: ['glue'] });
  // Reached by endpoint, as any Glue client: AWS_ENDPOINT_URL_GLUE.
  client = new GlueClient({
    endpoint: stack.env['AWS_ENDPOINT_URL_GLUE'],
    region: stack.env['AWS_REGION'],
    credentials: { accessKeyId: 'local', secretAccessKey: 'local-secret' },
  });
  catalog = new GlueCatalog({ client });
});
afterAll(async () => {
  client?.destroy();
  await stack?.stop();
});

catalogContract('Glue Data Catalog (moto)', () => ({ catalog, database: () => `datamart_${++n}` }));
