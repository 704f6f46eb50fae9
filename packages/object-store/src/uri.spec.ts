import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localFolderProblem, parseObjectUri } from './uri.js';

describe('parseObjectUri', () => {
  it('reads S3 URIs, file URIs and paths, relative ones against the working directory', () => {
    expect(parseObjectUri('s3://lake/in/a.csv')).toEqual({ scheme: 's3', bucket: 'lake', key: 'in/a.csv' });
    expect(parseObjectUri('s3a://lake')).toEqual({ scheme: 's3', bucket: 'lake', key: '' });
    expect(parseObjectUri('file:///tmp/x.csv')).toEqual({ scheme: 'file', path: '/tmp/x.csv' });
    expect(parseObjectUri('out/x.csv')).toEqual({ scheme: 'file', path: resolve('out/x.csv') });
    expect(parseObjectUri('./out/')).toEqual({ scheme: 'file', path: `${resolve('out')}/` });
    expect(parseObjectUri('runs/10:00/x.csv')).toEqual({ scheme: 'file', path: resolve('runs/10:00/x.csv') });
    expect(parseObjectUri('./s3:x.csv')).toEqual({ scheme: 'file', path: resolve('s3:x.csv') });
    // A colon in a file name is a file name.
    expect(parseObjectUri('export-2026-12-06T10:00.parquet')).toEqual({ scheme: 'file', path: resolve('export-2026-12-06T10:00.parquet') });
    expect(parseObjectUri('v1.2:x')).toEqual({ scheme: 'file', path: resolve('v1.2:x') });
  });

  it('refuses what S3 would refuse and what is no place at all, naming it', () => {
    expect(() => parseObjectUri('s3://b/x')).toThrow('"s3://b/x" does not name a valid S3 bucket');
    expect(() => parseObjectUri('s3://Lake/x')).toThrow('does not name a valid S3 bucket');
    expect(() => parseObjectUri('gs://lake/x')).toThrow('unsupported location "gs://lake/x"');
    expect(() => parseObjectUri('')).toThrow('empty location');
  });

  it('takes a local folder as a path only', () => {
    expect(localFolderProblem('./spill')).toBeUndefined();
    expect(localFolderProblem('/tmp/spill')).toBeUndefined();
    expect(localFolderProblem('s3://lake/tmp')).toBe('"s3://lake/tmp" is not a folder on this machine: give a local path');
    expect(localFolderProblem('file:///tmp/spill')).toBe('"file:///tmp/spill" is a URI: give the folder as a path');
    expect(localFolderProblem('s3:/lake')).toMatch(/is neither a URI nor a path/);
  });

  it('refuses a mistyped URI rather than take it for a folder named after its scheme', () => {
    for (const typo of ['s3:/lake/in/', 's3:lake/in', 'S3:\\\\lake\\in', 'https:/host/x', 'gs:lake/x', 'abfss:/x'])
      expect(() => parseObjectUri(typo), typo).toThrow(
        `"${typo}" is neither a URI nor a path: use s3://bucket/key, file:///path or a local path`,
      );
  });
});
