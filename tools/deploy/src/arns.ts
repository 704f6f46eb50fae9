/** Where the stacks go: ARNs are spelled out from it, so a synthesised policy names its resources literally. */
export interface DeployTarget {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** `s3://bucket/prefix/` as its bucket and key prefix (`''` for a whole bucket). */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match?.[1]) throw new Error(`${uri} is not an s3://bucket/prefix/ URI`);
  return { bucket: match[1], prefix: match[2] ?? '' };
}

export const s3BucketArn = (t: DeployTarget, bucket: string) => `arn:${t.partition}:s3:::${bucket}`;
export const s3ObjectsArn = (t: DeployTarget, bucket: string, prefix: string) => `arn:${t.partition}:s3:::${bucket}/${prefix}*`;

export const arnIn = (t: DeployTarget, service: string, resource: string) =>
  `arn:${t.partition}:${service}:${t.region}:${t.account}:${resource}`;

/** `{partition}`, `{region}` and `{account}` in an argument value, filled in from the target. */
export function fillTarget(value: string, t: DeployTarget): string {
  return value.replaceAll('{partition}', t.partition).replaceAll('{region}', t.region).replaceAll('{account}', t.account);
}
