import { parseType } from '@etl/schema';
import { describe, expect, it } from 'vitest';
import { nativeExportProblems, windowProblem } from './native-export.js';
import { partitionProblems, partitionSpecs } from './partition-specs.js';
import { keyColumns } from './populate.js';

describe('--partition_by names attributes as DynamoDB spells them or as their cleaned columns', () => {
  const columns = [
    { attribute: 'InvoiceDate', field: { name: 'invoicedate' } },
    { attribute: 'Country', field: { name: 'country' } },
  ];
  it('maps attributes to columns and keeps the unit; a cleaned name passes as it is', () => {
    expect(partitionSpecs('InvoiceDate:month, Country', columns)).toEqual(['invoicedate:month', 'country']);
    expect(partitionSpecs('invoicedate:day', columns)).toEqual(['invoicedate:day']);
    expect(partitionSpecs(undefined, columns)).toEqual([]);
  });
});

describe('--key names header columns as written or cleaned', () => {
  it('finds each key column, undefined for one not in the header', () => {
    expect(keyColumns(['InvoiceNo', 'StockCode', 'Customer ID'], ['invoiceno', 'StockCode', 'customer_id', 'nope'])).toEqual([
      'InvoiceNo',
      'StockCode',
      'Customer ID',
      undefined,
    ]);
  });
});

describe('native-export arguments', () => {
  const base = { table: 't', method: 'export', export_path: 's3://lake/exports' };
  it('a full export needs an S3 folder; an incremental one a base export; times must parse', () => {
    expect(nativeExportProblems(base)).toEqual([]);
    expect(nativeExportProblems({ ...base, export_path: 'exports/' })).toEqual([
      "--export_path: exports/ is not an S3 folder: DynamoDB exports only to S3 (s3://bucket/prefix; the local stack's moto bucket will do)",
    ]);
    expect(nativeExportProblems({ ...base, export_path: undefined })).toEqual([
      '--export_path: required with --method export, an S3 folder (s3://bucket/prefix) DynamoDB can write to',
    ]);
    expect(nativeExportProblems({ ...base, since: '2026-12-06T00:00:00Z', until: 'noon' })).toEqual([
      '--until: "noon" is not an ISO time (2026-12-06T10:00:00Z)',
      "--base_export: required with --since, the manifest-summary.json of a full export the window's changes are applied to",
    ]);
    expect(nativeExportProblems({ ...base, base_export: 's3://lake/exports/m.json' })).toEqual([
      '--base_export: only with --since (an incremental export)',
    ]);
  });
  it('refuses a window DynamoDB would refuse: under 15 minutes, over 24 hours, or backwards', () => {
    const window = (since: string, until: string) => nativeExportProblems({ ...base, since, until, base_export: 's3://lake/e/m.json' });
    expect(window('2026-12-06T00:00:00Z', '2026-12-06T00:15:00Z')).toEqual([]);
    expect(window('2026-12-06T00:00:00Z', '2026-12-07T00:00:00Z')).toEqual([]);
    expect(window('2026-12-06T00:00:00Z', '2026-12-06T00:14:59Z')).toEqual([
      '--since: the window 2026-12-06T00:00:00Z to 2026-12-06T00:14:59Z is 14 min; an incremental export takes 15 minutes to 24 hours',
    ]);
    expect(window('2026-12-06T00:00:00Z', '2026-12-07T00:00:01Z')).toEqual([
      '--since: the window 2026-12-06T00:00:00Z to 2026-12-07T00:00:01Z is longer than 24 hours; an incremental export takes 15 minutes to 24 hours',
    ]);
    expect(window('2026-12-06T01:00:00Z', '2026-12-06T00:00:00Z')).toEqual([
      '--since: the window 2026-12-06T01:00:00Z to 2026-12-06T00:00:00Z is backwards; an incremental export takes 15 minutes to 24 hours',
    ]);
  });
  it('export arguments are refused with a scan', () => {
    expect(nativeExportProblems({ table: 't', method: 'scan', export_path: 's3://x/', until: '2026-12-06T00:00:00Z' })).toEqual([
      '--export_path: only with --method export',
      '--until: only with --method export',
    ]);
  });
});

describe('an incremental window is applied only to a full export it leaves no gap after', () => {
  const base = { type: 'FULL_EXPORT' as const, exportTime: '2026-12-06T00:00:00.000Z' };
  const uri = 's3://lake/exports/AWSDynamoDB/1/manifest-summary.json';
  it('takes a window starting at or before the base export time', () => {
    expect(windowProblem('2026-12-06T00:00:00Z', base, uri)).toBeUndefined();
    expect(windowProblem('2026-12-05T23:00:00Z', base, uri)).toBeUndefined();
  });
  it('refuses a window starting after it, saying which --since to use; and a base that is not a full export', () => {
    expect(windowProblem('2026-12-06T00:00:01Z', base, uri)).toBe(
      '--since: 2026-12-06T00:00:01Z is after 2026-12-06T00:00:00.000Z, the point in time --base_export reflects (the changes between them would be lost); use --since 2026-12-06T00:00:00.000Z',
    );
    expect(windowProblem('2026-12-06T00:00:00Z', { type: 'INCREMENTAL_EXPORT', exportTime: base.exportTime }, uri)).toBe(
      `--base_export: ${uri} is an incremental export (changes, not items); give a full export's manifest-summary.json`,
    );
  });
});

describe('--partition_by is checked against the columns (declared before the scan, inferred before any write)', () => {
  const columns = [
    { attribute: 'InvoiceDate', field: { name: 'invoicedate', type: parseType('timestamp') } },
    { attribute: 'Country', field: { name: 'country', type: parseType('varchar') } },
  ];
  it('takes attributes and cleaned names, a unit on a date or timestamp', () => {
    expect(partitionProblems('InvoiceDate:month, country', columns)).toEqual([]);
    expect(partitionProblems(undefined, columns)).toEqual([]);
  });
  it('names a misspelt attribute and a unit on another type, one line each', () => {
    expect(partitionProblems('Invoicedate:month,Country:year', columns)).toEqual([
      '--partition_by: Invoicedate:month: no attribute Invoicedate (attributes: InvoiceDate, Country); names are case-sensitive',
      '--partition_by: Country:year: year needs a date or timestamp attribute, Country is string',
    ]);
  });
});
