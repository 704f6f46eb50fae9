import type { TableDefinition } from '@etl/catalog';
import { TerminalError } from '@etl/core';

/** How a text table's files are split into fields, as its SerDe and table parameters declare. */
export interface TextLayout {
  delimiter: string;
  /** The quote character; null: none (every character is data). */
  quote: string | null;
  /** Physical lines skipped at the top of every file (`skip.header.line.count`). */
  headerLines: number;
  /** Texts read as null besides the empty field (LazySimpleSerDe's `\N`). */
  nullValues: string[];
}

const LAZY_SIMPLE_DEFAULT_DELIMITER = '\u0001';

/**
 * OpenCSVSerde: `separatorChar` (default `,`), `quoteChar` (default `"`); an `escapeChar` other than the
 * quote character is refused (a `TerminalError` naming the table): the CSV parser has no escape
 * character, and would read `\"` as the end of a quoted field, misreading the rest of the line. LazySimpleSerDe (Hive's
 * default text SerDe): `field.delim`, else `serialization.format`, else Ctrl-A; no quoting at all (a
 * `"` is data, as Athena reads it); `serialization.null.format` (default `\N`) reads as null. `skip.header.line.count` is a table parameter (a SerDe parameter counts too).
 */
export function textLayout(table: Pick<TableDefinition, 'serde' | 'parameters'> & { name?: string }): TextLayout {
  const serde = table.serde?.parameters ?? {};
  const library = table.serde?.library ?? '';
  const header = Number(table.parameters?.['skip.header.line.count'] ?? serde['skip.header.line.count'] ?? 0);
  const headerLines = Number.isInteger(header) && header > 0 ? header : 0;
  if (/LazySimpleSerDe/i.test(library)) {
    const delimiter = hiveByte(serde['field.delim'] ?? serde['serialization.format'] ?? LAZY_SIMPLE_DEFAULT_DELIMITER);
    return { delimiter, quote: null, headerLines, nullValues: [serde['serialization.null.format'] ?? '\\N'] };
  }
  const quote = serde['quoteChar'] || '"';
  const escape = serde['escapeChar'];
  // An escape character equal to the quote is the doubled quote the parser reads already.
  if (escape && escape !== quote)
    throw new TerminalError(
      'BAD_INPUT',
      `table ${table.name ?? '(unnamed)'}: OpenCSVSerde escapeChar ${JSON.stringify(escape)} is not supported (escaped quotes and delimiters would be misread); rewrite its files with doubled quotes ("") and drop escapeChar, or leave the table out`,
    );
  return { delimiter: serde['separatorChar'] || ',', quote, headerLines, nullValues: [] };
}

/** LazySimpleSerDe reads a delimiter given as a number as its byte code (`serialization.format` `1` is Ctrl-A, `9` a tab). */
function hiveByte(text: string): string {
  return /^\d{1,3}$/.test(text) ? String.fromCharCode(Number(text)) : text;
}
