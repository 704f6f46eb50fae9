import type { TextLimits } from '@etl/convert';

/**
 * Text a Redshift column cannot hold, refused while staging: the record goes to the run's rejects with
 * its source file, line and column, the rest of the file loads, and the COPY never meets it (it would
 * fail the whole load naming only a staged part). Never truncated or stripped.
 *
 * - "Character types - Amazon Redshift" (docs.aws.amazon.com/redshift/latest/dg/r_Character_types.html):
 *   VARCHAR lengths are bytes, not characters, and a VARCHAR holds at most 65535 bytes (64K - 1);
 *   VARCHAR(MAX) in CREATE TABLE is VARCHAR(65535). The planner widens to the longest value, at most that.
 * - "Preparing your input data" (…/dg/t_preparing-input-data.html): data holding NUL (UTF-8 0000) fails
 *   the COPY unless `NULL AS '\0'` loads such fields as NULL; "Load error reference" (…/dg/r_Load_Error_Reference.html)
 *   code 1218: with `NULL AS '\0'`, a field holding NUL and more than one byte fails still. Staging's COPY
 *   says `NULL AS '\N'`, and turning a value into NULL would lose it silently: such a record is a reject.
 */
export const REDSHIFT_TEXT_LIMITS: TextLimits = { maxBytes: 65535, refuseNul: true, destination: 'Redshift' };
