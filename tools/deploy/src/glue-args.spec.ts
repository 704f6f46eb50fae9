import { describe, expect, it } from 'vitest';
import { glueArgs } from './glue-args.js';

describe('glueArgs', () => {
  it('puts --JOB_NAME first, then each argument in order, a bare flag for true, the target filled in', () => {
    expect(
      glueArgs(
        'csv-to-redshift',
        { source: 's3://in/', dry_run: true, iam_role: 'arn:{partition}:iam::{account}:role/copy' },
        {
          partition: 'aws',
          region: 'eu-west-1',
          account: '123456789012',
        },
      ),
    ).toEqual(['--JOB_NAME', 'csv-to-redshift', '--source', 's3://in/', '--dry_run', '--iam_role', 'arn:aws:iam::123456789012:role/copy']);
  });
});
