import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderBelow, folderLocation, generationOf, generationPath, keyBelow, listingUri, partFileName, uriBelow } from './layout.js';

describe('dataset layout', () => {
  it('names the run folder from the template and numbers parts', () => {
    expect(generationPath('load_date=2026-12-06/run_id={runId}', '20261206T010203Z-0badc0de')).toBe(
      'load_date=2026-12-06/run_id=20261206T010203Z-0badc0de',
    );
    expect(partFileName(7)).toBe('part-00007.snappy.parquet');
  });

  it("finds a key's generation folder by the template's shape, and nothing else", () => {
    expect(generationOf('run_id=X/k=v/part-00000.snappy.parquet')).toEqual({ generation: 'run_id=X', runId: 'X' });
    expect(generationOf('run_id=X/run_id=Y/part-00000.snappy.parquet')).toEqual({ generation: 'run_id=X', runId: 'X' });
    const append = 'load_date=2026-12-06/run_id={runId}';
    expect(generationOf('load_date=2026-11-01/run_id=X/k=v/part-00000.snappy.parquet', append)).toEqual({
      generation: 'load_date=2026-11-01/run_id=X',
      runId: 'X',
    });
    expect(generationOf('other=1/run_id=X/part-00000.snappy.parquet', append)).toBeUndefined();
    expect(generationOf('run_id=X/part-00000.snappy.parquet', append)).toBeUndefined();
    expect(generationOf('a=1/run_id=X/part-00000.snappy.parquet')).toBeUndefined();
    expect(generationOf('run_id=not-a-folder')).toBeUndefined();
    expect(generationOf('_manifest.json')).toBeUndefined();
  });

  it('keeps a Hive-escaped value as it is on S3 and on disk, and reads keys back from listed URIs', () => {
    const s3 = folderLocation('s3://lake/invoices/');
    expect(uriBelow(s3, 'k=a%2Fb/part-00000.snappy.parquet')).toBe('s3://lake/invoices/k=a%2Fb/part-00000.snappy.parquet');
    expect(keyBelow(s3, 's3://lake/invoices/k=a%2Fb/part-00000.snappy.parquet')).toBe('k=a%2Fb/part-00000.snappy.parquet');
    expect(keyBelow(s3, 's3://lake/invoices2/x')).toBeUndefined();
    expect(listingUri(s3)).toBe('s3://lake/invoices/');
    expect(listingUri(folderLocation('s3://lake'))).toBe('s3://lake/');

    const dir = mkdtempSync(join(tmpdir(), 'layout-'));
    const local = folderLocation(dir);
    const uri = uriBelow(local, 'k=a%2Fb/part-00000.snappy.parquet');
    expect(uri).toContain('k=a%252Fb'); // a file URL escapes the '%' of the folder name
    expect(keyBelow(local, uri)).toBe('k=a%2Fb/part-00000.snappy.parquet');
    expect(keyBelow(local, uriBelow(folderBelow(local, 'run_id=X'), 'part-00000.snappy.parquet'))).toBe(
      'run_id=X/part-00000.snappy.parquet',
    );
    expect(keyBelow(local, `${dir}-other/x`)).toBeUndefined();
  });
});
