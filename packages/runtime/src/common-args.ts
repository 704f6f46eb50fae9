import { z } from 'zod';
import { arg } from './job-config.js';

/** Arguments every job accepts; the runtime owns them. */
export const commonArgs = {
  JOB_NAME: arg.optionalString('Job name in logs and reports (AWS Glue passes it)'),
  run_output: arg.optionalLocation(
    'Prefix (s3:// or path) for the run report, logs and rejects: <run_output>/<run id>/ [default <local_dir>/runs/<job>]',
  ),
  local_dir: arg.folder('Folder of the embedded defaults (warehouse, catalog, DynamoDB) and default run outputs').default('.local'),
  max_rejects: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .optional()
    .describe('Stop the run, publishing nothing, once more records than this are rejected [default: no limit]'),
  max_reject_ratio: z.coerce
    .number({ error: 'must be a number between 0 and 1' })
    .min(0, 'must be between 0 and 1')
    .max(1, 'must be between 0 and 1')
    .optional()
    .describe(
      'Fail the run, publishing nothing, when more than this share of its records were rejected, or all were [default 0.1; on the bundled sample only all]',
    ),
  sample: arg.flag('Run on the bundled sample (what a run with no arguments does); arguments given still apply'),
  log_level: arg.enum(['trace', 'debug', 'info', 'warn', 'error'] as const, 'info', 'Lowest log level printed and exported'),
} satisfies z.ZodRawShape;
