/** The workgroup the Data API stand-in answers to (any name works; the tests and benches use this one). */
export const LOCAL_WORKGROUP = 'local';

/** An IAM role ARN for COPY: the stand-in checks its form, as Redshift would before assuming it. */
export const LOCAL_COPY_ROLE = 'arn:aws:iam::000000000000:role/local';

/**
 * The stack's Redshift as csv-to-redshift's target, in its arguments: workgroup, IAM role, and the
 * staging prefix and run output in `bucket` of the stack's S3 — what a run on AWS names, so specs,
 * e2e runs and benches go through the Data API path the way production does.
 */
export function localRedshiftArgs(bucket: string, options: { stagingPrefix?: string; runOutput?: string | false } = {}): string[] {
  const runOutput = options.runOutput ?? `s3://${bucket}/runs/`;
  return [
    '--workgroup',
    LOCAL_WORKGROUP,
    '--iam_role',
    LOCAL_COPY_ROLE,
    '--staging_prefix',
    options.stagingPrefix ?? `s3://${bucket}/staging/`,
    ...(runOutput === false ? [] : ['--run_output', runOutput]),
  ];
}
