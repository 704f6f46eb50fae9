import { describe, expect, it } from 'vitest';
import { exportParameters } from './export-request.js';

const table = { name: 'orders', arn: 'arn:aws:dynamodb:us-east-1:000000000000:table/orders', id: 'orders', keyNames: ['id'] };
const now = new Date('2026-12-06T12:00:00Z');
const enabled = new Date('2026-12-04T12:00:00Z');
const s = (d: Date, minutes = 0) => d.getTime() / 1000 + minutes * 60;
const incremental = (fromMinutes: number, toMinutes: number, view?: string) => ({
  TableArn: table.arn,
  S3Bucket: 'exports',
  ExportType: 'INCREMENTAL_EXPORT',
  IncrementalExportSpecification: {
    ExportFromTime: s(now, fromMinutes),
    ExportToTime: s(now, toMinutes),
    ...(view ? { ExportViewType: view } : {}),
  },
});
const refusal = (input: Record<string, unknown>, earliest: Date | null = enabled) => {
  try {
    exportParameters(input, table, earliest ?? undefined, now);
  } catch (error) {
    return (error as { type: string }).type;
  }
  return 'accepted';
};

describe('export request checks (as AWS documents them)', () => {
  it('accepts incremental periods from exactly 15 minutes to exactly 24 hours, and nothing outside', () => {
    expect(refusal(incremental(-15, 0))).toBe('accepted');
    expect(refusal(incremental(-24 * 60, 0))).toBe('accepted');
    expect(refusal(incremental(-14, 0))).toBe('ValidationException');
    expect(refusal(incremental(-24 * 60 - 1, 0))).toBe('ValidationException');
    expect(refusal(incremental(-30, -40))).toBe('ValidationException');
  });

  it('fills in the defaults: NEW_AND_OLD_IMAGES, ExportToTime now, a full export as of the request', () => {
    const spec = { ExportFromTime: s(now, -30) };
    expect(
      exportParameters(
        { TableArn: table.arn, S3Bucket: 'b1', ExportType: 'INCREMENTAL_EXPORT', IncrementalExportSpecification: spec },
        table,
        enabled,
        now,
      ),
    ).toMatchObject({
      view: 'NEW_AND_OLD_IMAGES',
      to: s(now),
    });
    expect(exportParameters({ TableArn: table.arn, S3Bucket: 'b1' }, table, enabled, now)).toMatchObject({
      type: 'FULL_EXPORT',
      asOfRequest: true,
      exportTime: s(now),
    });
  });

  it('refuses PITR off, times outside its window, bad view types and formats, and mixed full/incremental fields', () => {
    expect(refusal({ TableArn: table.arn, S3Bucket: 'b1' }, null)).toBe('PointInTimeRecoveryUnavailableException');
    expect(refusal({ TableArn: table.arn, S3Bucket: 'b1', ExportTime: s(enabled, -1) })).toBe('InvalidExportTimeException');
    expect(refusal({ TableArn: table.arn, S3Bucket: 'b1', ExportTime: s(now, 1) })).toBe('InvalidExportTimeException');
    expect(refusal(incremental(-30, 0, 'OLD_IMAGE'))).toBe('ValidationException');
    expect(refusal({ TableArn: table.arn, S3Bucket: 'b1', ExportFormat: 'ION' })).toBe('ValidationException');
    expect(refusal({ ...incremental(-30, 0), ExportTime: s(now, -1) })).toBe('ValidationException');
    expect(refusal({ TableArn: table.arn, S3Bucket: 'b1', IncrementalExportSpecification: { ExportFromTime: s(now, -30) } })).toBe(
      'ValidationException',
    );
    expect(refusal({ TableArn: table.arn, S3Bucket: '-bad-' })).toBe('ValidationException');
  });
});
