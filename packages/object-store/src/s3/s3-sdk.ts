import { createRequire } from 'node:module';
import type * as S3 from '@aws-sdk/client-s3';
import type * as Storage from '@aws-sdk/lib-storage';

const require = createRequire(import.meta.url);

// The SDK is loaded when S3 is first used, not imported: a run that reads only local files, or that
// refuses its arguments, does not spend the ~0.2 CPU-s loading it takes. Both packages ship
// CommonJS: `require` loads the very module a static import would.

/** `@aws-sdk/client-s3`, loaded on first use. */
export function s3Sdk(): typeof S3 {
  return require('@aws-sdk/client-s3') as typeof S3;
}

/** `@aws-sdk/lib-storage` (multipart `Upload`), loaded on first use. */
export function s3Storage(): typeof Storage {
  return require('@aws-sdk/lib-storage') as typeof Storage;
}
