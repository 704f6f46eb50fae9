import { describeError } from '@etl/core';
import { sniffFile } from '@etl/convert';
import type { ObjectStore } from '@etl/object-store';
import { cleanColumnNames } from '@etl/schema';
import { filesToLoad } from './upsert-files.js';

/** Columns a Redshift table holds at most ("CREATE TABLE": 1,600); the staging table adds the line number to a file's. */
export const REDSHIFT_MAX_COLUMNS = 1600;

/**
 * What can be told of a load before anything is written: the source exists (a file, or a prefix
 * with files under it), and every upsert key is a column of its (first) file, keys matched the way
 * the header is cleaned (`InvoiceNo` is the column `invoiceno`), and it has no more columns than a
 * Redshift table holds. One line per problem, naming the
 * argument; none when the load can start.
 */
export async function checkUpsertSource(
  objects: ObjectStore,
  source: string,
  keys: readonly string[],
  options: { encoding?: string | undefined; sourceArg?: string; keysArg?: string } = {},
): Promise<string[]> {
  const sourceArg = options.sourceArg ?? '--source';
  const first = (await filesToLoad(objects, source))[0];
  if (first === undefined) return []; // an empty prefix is a run with nothing to load, not a mistake
  if (!source.endsWith('/') && (await objects.head(source)) === undefined)
    return [`${sourceArg}: ${source} does not exist (a folder of files is given with a trailing /)`];
  try {
    const sniffed = await sniffFile(objects, first, {
      header: true,
      inferTypes: false,
      ...(options.encoding ? { encoding: options.encoding } : {}),
    });
    const columns = cleanColumnNames(sniffed.columns.map((c) => c.name));
    // Past this the table cannot be created (nor its CREATE sent: over the Data API's 100 KB): refused before anything is.
    if (columns.length >= REDSHIFT_MAX_COLUMNS)
      return [
        `${sourceArg}: ${first} has ${columns.length} columns; a Redshift table holds at most ${REDSHIFT_MAX_COLUMNS}, and the load's staging table adds one (the line number): ${REDSHIFT_MAX_COLUMNS - 1} at most`,
      ];
    const missing = cleanColumnNames(keys).filter((key) => !columns.includes(key));
    if (missing.length === 0) return [];
    return [
      `${options.keysArg ?? '--upsert_keys'}: ${missing.join(', ')} ${missing.length === 1 ? 'is not a column' : 'are not columns'} of ${first} (its columns, as cleaned: ${columns.slice(0, 30).join(', ')}${columns.length > 30 ? ', …' : ''})`,
    ];
  } catch (error) {
    return [`${sourceArg}: ${describeError(error).message}`];
  }
}
