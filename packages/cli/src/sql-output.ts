import type { QueryResult, SqlValue } from '@etl/warehouse';

/**
 * A result as JSON lines, one object per row with the column names as keys and the values as the
 * warehouse returned them (exact decimals, dates and timestamps stay strings). A statement without
 * columns (DDL, INSERT) gives none. A name the result repeats (`count(*), count(distinct x)` are both
 * `count`) is keyed `count_2`: one key would hold only the last column's value.
 */
export function* ndjsonLines(result: QueryResult): Generator<string> {
  const names = distinctNames(result.columns.map((c) => c.name));
  for (const row of result.rows) {
    const object: Record<string, SqlValue> = {};
    for (let i = 0; i < names.length; i++) object[names[i] as string] = row[i] ?? null;
    yield `${JSON.stringify(object)}\n`;
  }
}

/** `names` with each repeat suffixed `_2`, `_3`, … (past any name the result has already). */
export function distinctNames(names: readonly string[]): string[] {
  const taken = new Set(names);
  const seen = new Set<string>();
  return names.map((name) => {
    if (!seen.has(name)) {
      seen.add(name);
      return name;
    }
    let n = 2;
    while (taken.has(`${name}_${n}`)) n++;
    taken.add(`${name}_${n}`);
    return `${name}_${n}`;
  });
}

/** A result as a table for a person at a terminal: numbers right-aligned, NULL spelled out, the row count last. */
export function formatTable(result: QueryResult): string {
  if (result.columns.length === 0) return `(${plural(result.rowCount)} affected)\n`;
  const cells = result.rows.map((row) => result.columns.map((_, i) => cellText(row[i] ?? null)));
  const widths = result.columns.map((c, i) => Math.max(width(c.name), ...cells.map((row) => width(row[i] as string))));
  const right = result.columns.map((_, i) => result.rows.length > 0 && result.rows.every((row) => typeof (row[i] ?? 0) === 'number'));
  const line = (texts: readonly string[]) =>
    texts
      .map((t, i) => (right[i] ? pad(t, widths[i] as number, 'start') : pad(t, widths[i] as number, 'end')))
      .join(' | ')
      .trimEnd();
  return [
    line(result.columns.map((c) => c.name)),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...cells.map(line),
    `(${plural(result.rows.length)})`,
    '',
  ].join('\n');
}

const plural = (n: number) => `${n} ${n === 1 ? 'row' : 'rows'}`;

function cellText(value: SqlValue): string {
  if (value === null) return 'NULL';
  // A line break or tab inside a value would break the table's lines: shown escaped.
  return String(value).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

/** Columns a text takes on a terminal: East Asian wide characters take two. */
function width(text: string): number {
  let columns = 0;
  for (const char of text)
    columns += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(char) ? 2 : 1;
  return columns;
}

function pad(text: string, columns: number, side: 'start' | 'end'): string {
  const fill = ' '.repeat(Math.max(0, columns - width(text)));
  return side === 'start' ? fill + text : text + fill;
}
