import { joinUri } from '@etl/object-store';

export type ArchiveFolder = 'archive' | 'unprocessed';

/**
 * Where a loaded (`archive`) or failed (`unprocessed`) source file goes, as seed 003 lays it out:
 * `<prefix>/yyyy/mm/<file name>`, the prefix by default a sibling of the file's folder
 * (`s3://b/data/in/x.csv` -> `s3://b/data/archive/2026/12/x.csv`), so a rerun over `data/in/` never
 * sees it. A file at a bucket's (or the working folder's) top has no parent folder: the prefix is
 * then beside it. `prefix` (e.g. `--archive_prefix`) puts it anywhere.
 */
export function archivedName(file: string, folder: ArchiveFolder, now: Date, prefix?: string): string {
  const slash = file.lastIndexOf('/');
  const dated = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${file.slice(slash + 1)}`;
  return joinUri(prefix ?? defaultPrefix(file.slice(0, Math.max(slash, 0)), folder), dated);
}

function defaultPrefix(fileFolder: string, folder: ArchiveFolder): string {
  const root = /^[a-z][a-z0-9+.-]*:\/\/[^/]*$/i.test(fileFolder) || fileFolder === '' || fileFolder === '.';
  if (root) return fileFolder === '' ? folder : `${fileFolder}/${folder}`;
  const parent = fileFolder.slice(0, fileFolder.lastIndexOf('/') + 1);
  return `${parent}${folder}`;
}

/** Whether `uri` lies under one of the prefixes (archived or refused files a prefix listing must skip). */
export function isUnder(uri: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => uri.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`));
}
