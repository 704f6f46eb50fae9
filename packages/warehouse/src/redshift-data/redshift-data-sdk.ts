import { createRequire } from 'node:module';
import type * as RedshiftData from '@aws-sdk/client-redshift-data';

const require = createRequire(import.meta.url);

/**
 * `@aws-sdk/client-redshift-data`, loaded when a Redshift warehouse is first opened rather than
 * imported: a run on the embedded warehouse, or one that refuses its arguments, does not spend the
 * ~0.1 CPU-s loading it takes. The SDK ships CommonJS: `require` loads the very module a static
 * import would.
 */
export function redshiftDataSdk(): typeof RedshiftData {
  return require('@aws-sdk/client-redshift-data') as typeof RedshiftData;
}
