import {
  bindNamedParameters,
  mapOutsideQuotes,
  ParameterError,
  REDSHIFT_LITERAL_SOURCE,
  redshiftColumnTypes,
  redshiftLiteralValue,
} from '@etl/sql';

/**
 * The Redshift-only SQL the pipelines send, turned into what PostgreSQL runs. Pure: no I/O.
 *
 * Supported: `COPY … FROM 's3://…'` (parsed into a `CopyCommand`, executed by the stand-in),
 * `:name` parameters, and Redshift table attributes that PostgreSQL does not know
 * (DISTSTYLE, DISTKEY, SORTKEY, ENCODE, BACKUP) which are dropped. Anything else Redshift-only that
 * the stand-in cannot honour (UNLOAD, CREATE EXTERNAL …) fails with `UnsupportedSqlError`.
 */

export class UnsupportedSqlError extends Error {
  override readonly name = 'UnsupportedSqlError';
}

export interface CopyCommand {
  table: string;
  columns?: string[];
  /** `s3://bucket/prefix`: every object whose key starts with it is loaded. */
  from: string;
  format: 'csv' | 'parquet';
  gzip: boolean;
  ignoreHeader: number;
  delimiter: string;
  quote: string;
  nullAs?: string;
  emptyAsNull: boolean;
  blanksAsNull: boolean;
}

export type TranslatedStatement = { kind: 'sql'; sql: string; params: Array<string | null> } | { kind: 'copy'; copy: CopyCommand };

const UNSUPPORTED = [/^\s*unload\b/i, /^\s*create\s+external\b/i, /^\s*alter\s+table\s+\S+\s+append\s+from\b/i];

export function translateStatement(sql: string, parameters: ReadonlyArray<{ name: string; value: string }> = []): TranslatedStatement {
  const trimmed = sql.trim().replace(/;\s*$/, '');
  for (const pattern of UNSUPPORTED) {
    if (pattern.test(trimmed))
      throw new UnsupportedSqlError(`not supported by the local Redshift stand-in: ${trimmed.split(/\s+/).slice(0, 3).join(' ')} …`);
  }
  if (/^copy\s/i.test(trimmed)) {
    if (parameters.length > 0) throw new UnsupportedSqlError('COPY does not take parameters');
    return { kind: 'copy', copy: parseCopy(trimmed) };
  }
  try {
    const { sql: positional, values } = bindNamedParameters(
      // Column types as Redshift stores them (TEXT is VARCHAR(256)), then its physical design dropped.
      redshiftColumnTypes(dropTableAttributes(trimmed)),
      Object.fromEntries(parameters.map((p) => [p.name, p.value])),
    );
    return { kind: 'sql', sql: positional, params: values };
  } catch (error) {
    if (error instanceof ParameterError) throw new UnsupportedSqlError(error.message);
    throw error;
  }
}

/** Redshift physical-design clauses have no PostgreSQL meaning; drop them outside quotes. */
export function dropTableAttributes(sql: string): string {
  if (!/^\s*(create|alter)\s/i.test(sql)) return sql;
  return mapOutsideQuotes(sql, (code) =>
    code
      .replace(/\bdiststyle\s+(auto|even|key|all)\b/gi, '')
      .replace(/\b(compound\s+|interleaved\s+)?sortkey\s*(\(\s*[^)]*\))?(\s+auto)?/gi, '')
      .replace(/\bdistkey\s*(\(\s*[^)]*\))?/gi, '')
      .replace(/\bencode\s+(auto|raw|az64|bytedict|delta|delta32k|lzo|mostly8|mostly16|mostly32|runlength|text255|text32k|zstd)\b/gi, '')
      .replace(/\bbackup\s+(yes|no)\b/gi, ''),
  );
}

/** COPY's literals are read as Redshift reads them (backslash escapes: `NULL AS '\\N'` is `\N`). */
const COPY_HEAD = new RegExp(
  String.raw`^copy\s+((?:"(?:[^"]|"")+"|[\w$]+)(?:\.(?:"(?:[^"]|"")+"|[\w$]+))?)\s*(\(([^)]*)\))?\s+from\s+(${REDSHIFT_LITERAL_SOURCE})\s*([\s\S]*)$`,
  'i',
);

export function parseCopy(sql: string): CopyCommand {
  const head = COPY_HEAD.exec(sql);
  if (!head) throw new UnsupportedSqlError(`cannot read this COPY statement; expected COPY table [(columns)] FROM 's3://…' options`);
  const [, table = '', , columnList, fromLiteral = "''", rest = ''] = head;
  const from = redshiftLiteralValue(fromLiteral);
  if (!from.startsWith('s3://')) throw new UnsupportedSqlError(`COPY FROM '${from}': the stand-in loads from s3:// only`);
  const copy: CopyCommand = {
    table,
    ...(columnList
      ? {
          columns: columnList
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean),
        }
      : {}),
    from,
    format: 'csv',
    gzip: false,
    ignoreHeader: 0,
    delimiter: ',',
    quote: '"',
    emptyAsNull: false,
    blanksAsNull: false,
  };
  const tokens = tokenize(rest);
  for (let i = 0; i < tokens.length; i++) {
    const word = (tokens[i] as string).toUpperCase();
    const arg = () => {
      if (tokens[i + 1]?.toUpperCase() === 'AS') i++;
      const value = tokens[++i];
      if (value === undefined) throw new UnsupportedSqlError(`COPY option ${word} needs a value`);
      return unquote(value);
    };
    switch (word) {
      case 'IAM_ROLE':
      case 'CREDENTIALS':
      case 'REGION':
      case 'TIMEFORMAT':
      case 'DATEFORMAT':
      case 'ENCODING':
      case 'MAXERROR':
        arg(); // accepted; the stand-in reads with the stack's own credentials and ISO formats
        break;
      case 'ACCESS_KEY_ID':
      case 'SECRET_ACCESS_KEY':
      case 'SESSION_TOKEN':
        arg();
        break;
      case 'FORMAT':
        if (tokens[i + 1]?.toUpperCase() === 'AS') i++;
        copy.format = formatOf(tokens[++i]);
        break;
      case 'CSV':
      case 'PARQUET':
        copy.format = formatOf(word);
        break;
      case 'GZIP':
        copy.gzip = true;
        break;
      case 'IGNOREHEADER':
        copy.ignoreHeader = Number(arg());
        break;
      case 'DELIMITER':
        copy.delimiter = arg();
        break;
      case 'QUOTE':
        copy.quote = arg();
        break;
      case 'NULL':
        copy.nullAs = arg();
        break;
      case 'EMPTYASNULL':
        copy.emptyAsNull = true;
        break;
      case 'BLANKSASNULL':
        copy.blanksAsNull = true;
        break;
      case 'TRUNCATECOLUMNS':
      case 'ACCEPTINVCHARS':
      case 'COMPUPDATE':
      case 'STATUPDATE':
        if (/^(ON|OFF|TRUE|FALSE)$/i.test(tokens[i + 1] ?? '')) i++;
        break;
      default:
        throw new UnsupportedSqlError(`COPY option ${tokens[i]} is not supported by the local Redshift stand-in`);
    }
  }
  return copy;
}

function formatOf(token: string | undefined): 'csv' | 'parquet' {
  const format = token?.toUpperCase();
  if (format === 'CSV') return 'csv';
  if (format === 'PARQUET') return 'parquet';
  throw new UnsupportedSqlError(`COPY FORMAT ${token ?? ''}: the stand-in supports CSV and PARQUET`);
}

function tokenize(text: string): string[] {
  return text.match(new RegExp(`${REDSHIFT_LITERAL_SOURCE}|[^\\s]+`, 'g')) ?? [];
}

function unquote(token: string): string {
  if (!token.startsWith("'")) return token;
  try {
    return redshiftLiteralValue(token);
  } catch {
    throw new UnsupportedSqlError(`COPY option value ${token} is not a closed string literal`);
  }
}
