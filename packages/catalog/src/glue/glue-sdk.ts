import { createRequire } from 'node:module';
import type * as Glue from '@aws-sdk/client-glue';

const require = createRequire(import.meta.url);

/**
 * `@aws-sdk/client-glue`, loaded when the Glue catalog is first opened rather than imported: a run
 * on the file catalog, or one that refuses its arguments, does not spend the ~0.2 CPU-s loading it
 * takes. The SDK ships CommonJS: `require` loads the very module a static import would.
 */
export function glueSdk(): typeof Glue {
  return require('@aws-sdk/client-glue') as typeof Glue;
}
