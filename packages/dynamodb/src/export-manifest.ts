import { TerminalError } from '@etl/core';
import { readText, type ObjectStore } from '@etl/object-store';

/** What a reader needs of an export's manifests. */
export interface ExportManifest {
  exportArn: string;
  type: 'FULL_EXPORT' | 'INCREMENTAL_EXPORT';
  /** NEW_AND_OLD_IMAGES or NEW_IMAGE, for incremental exports. */
  view: string | undefined;
  itemCount: number;
  /**
   * The point in time the export reflects (ISO): a full export's `exportTime`, an incremental one's
   * `exportToTime` (the end of its window). Undefined when the summary does not say.
   */
  exportTime: string | undefined;
  /** An incremental export's window start (`exportFromTime`). */
  exportFromTime: string | undefined;
  /** Data files in manifest order, with the items each holds. */
  dataFiles: Array<{ uri: string; itemCount: number }>;
}

const SUMMARY = 'manifest-summary.json';

/**
 * Reads `manifest-summary.json` and the `manifest-files.json` it names. `location` is the summary's
 * URI or the export's folder (`s3://bucket/prefix/AWSDynamoDB/<ExportId>/`), on S3 or a local copy.
 * Data file keys are keys in the bucket: they are resolved against the same root as the files
 * manifest's own key, so a local mirror of the bucket reads the same as the bucket.
 */
export async function readExportManifest(store: ObjectStore, location: string): Promise<ExportManifest> {
  const summaryUri = location.endsWith('.json') ? location : `${location.replace(/\/+$/, '')}/${SUMMARY}`;
  const folder = summaryUri.slice(0, summaryUri.lastIndexOf('/'));
  const summary = JSON.parse(await readText(store, summaryUri)) as Record<string, unknown>;
  if ((summary['outputFormat'] ?? 'DYNAMODB_JSON') !== 'DYNAMODB_JSON')
    throw new TerminalError(
      'BAD_INPUT',
      `DynamoDB export ${summaryUri} is in ${String(summary['outputFormat'])}: export with ExportFormat DYNAMODB_JSON`,
    );
  const filesKey = String(summary['manifestFilesS3Key'] ?? '');
  const filesFolder = filesKey.slice(0, filesKey.lastIndexOf('/'));
  if (!filesKey || !folder.endsWith(`/${filesFolder}`))
    throw new TerminalError(
      'BAD_INPUT',
      `${summaryUri}: its manifestFilesS3Key "${filesKey}" is not beside it; give the manifest-summary.json of an export`,
    );
  const root = folder.slice(0, folder.length - filesFolder.length - 1);
  const lines = (await readText(store, `${folder}/${filesKey.slice(filesKey.lastIndexOf('/') + 1)}`)).split('\n').filter((l) => l.trim());
  const dataFiles = lines.map((line) => {
    const entry = JSON.parse(line) as { dataFileS3Key: string; itemCount?: number };
    return { uri: `${root}/${entry.dataFileS3Key}`, itemCount: entry.itemCount ?? Number.NaN };
  });
  return {
    exportArn: String(summary['exportArn'] ?? ''),
    type: summary['exportType'] === 'INCREMENTAL_EXPORT' ? 'INCREMENTAL_EXPORT' : 'FULL_EXPORT',
    view: summary['outputView'] as string | undefined,
    itemCount: Number(summary['itemCount'] ?? Number.NaN),
    exportTime: text(summary[summary['exportType'] === 'INCREMENTAL_EXPORT' ? 'exportToTime' : 'exportTime']),
    exportFromTime: text(summary['exportFromTime']),
    dataFiles,
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
