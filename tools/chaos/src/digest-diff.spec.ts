import { describe, expect, it } from 'vitest';
import { diffDigests, withoutNames } from './digest-diff.js';

describe('diffDigests', () => {
  it('counts rows lost, duplicated and unexpected per collection, with multiplicity', () => {
    const diff = diffDigests({ rows: ['a', 'b', 'b', 'c'], audit: ['ok'] }, { rows: ['a', 'b', 'b', 'b', 'd'], audit: [] });
    expect(diff).toMatchObject({ lost: 2, duplicated: 1, unexpected: 1 });
    expect(diff.examples).toEqual(['audit: -ok', 'rows: +b (x1)', 'rows: -c', 'rows: +d']);
  });

  it('finds nothing between digests holding the same rows in another order', () => {
    expect(diffDigests({ rows: ['a', 'b'] }, { rows: ['b', 'a'] })).toEqual({ lost: 0, duplicated: 0, unexpected: 0, examples: [] });
  });

  it('treats a missing collection as empty', () => {
    expect(diffDigests({ rows: ['a'] }, {})).toMatchObject({ lost: 1 });
  });
});

describe('withoutNames', () => {
  it("replaces the run's bucket and name suffix, not a longer suffix that starts the same", () => {
    expect(withoutNames({ t: ['s3://chaos-3/out/x', 'shop_k3.orders', 'shop_k31.orders'] }, { bucket: 'chaos-3', suffix: '_k3' })).toEqual({
      t: ['s3://<bucket>/out/x', 'shop.orders', 'shop_k31.orders'],
    });
  });
});
