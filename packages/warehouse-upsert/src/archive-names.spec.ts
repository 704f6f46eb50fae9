import { describe, expect, it } from 'vitest';
import { archivedName, isUnder } from './archive-names.js';

const now = new Date('2026-12-06T10:00:00Z');

describe('archivedName (seed 003: data/in/<file> -> data/archive/yyyy/mm/<file>)', () => {
  it('puts archive/ and unprocessed/ beside the folder the file was read from, not inside it', () => {
    expect(archivedName('s3://bucket/data/in/orders.csv', 'archive', now)).toBe('s3://bucket/data/archive/2026/12/orders.csv');
    expect(archivedName('s3://bucket/data/in/orders.csv', 'unprocessed', now)).toBe('s3://bucket/data/unprocessed/2026/12/orders.csv');
    expect(archivedName('/srv/landing/in/orders.csv', 'archive', now)).toBe('/srv/landing/archive/2026/12/orders.csv');
    expect(archivedName('in/orders.csv', 'archive', now)).toBe('archive/2026/12/orders.csv');
  });

  it('puts them beside a file at the top of a bucket or of the working folder', () => {
    expect(archivedName('s3://bucket/orders.csv', 'archive', now)).toBe('s3://bucket/archive/2026/12/orders.csv');
    expect(archivedName('orders.csv', 'unprocessed', now)).toBe('unprocessed/2026/12/orders.csv');
  });

  it('puts them under a prefix given for them', () => {
    expect(archivedName('s3://bucket/data/in/orders.csv', 'archive', now, 's3://archive-bucket/orders/')).toBe(
      's3://archive-bucket/orders/2026/12/orders.csv',
    );
  });
});

describe('isUnder', () => {
  it('tells objects under a prefix, folder-wise', () => {
    expect(isUnder('s3://b/in/archive/2026/12/x.csv', ['s3://b/in/archive'])).toBe(true);
    expect(isUnder('s3://b/in/archived.csv', ['s3://b/in/archive'])).toBe(false);
  });
});
