/** A named parameter was used but not given, or given but not used. */
export class ParameterError extends Error {
  override readonly name = 'ParameterError';
}

/**
 * `:name` -> `$n` (PostgreSQL positional), outside quotes, comments and `::` casts; each name gets
 * the position of its first use. This is how Redshift Data API `Parameters` reach PostgreSQL.
 */
export function bindNamedParameters(
  sql: string,
  parameters: Readonly<Record<string, string | null>>,
): { sql: string; values: Array<string | null> } {
  const names = Object.keys(parameters);
  if (names.length === 0) return { sql, values: [] };
  const order: string[] = [];
  const out = mapOutsideQuotes(sql, (code) =>
    code.replace(/(?<!:):([A-Za-z_][A-Za-z0-9_]*)/g, (_match, name: string) => {
      if (!(name in parameters)) throw new ParameterError(`parameter :${name} is used but not given`);
      let index = order.indexOf(name);
      if (index === -1) index = order.push(name) - 1;
      return `$${index + 1}`;
    }),
  );
  const unused = names.filter((name) => !order.includes(name));
  if (unused.length > 0) throw new ParameterError(`parameters given but not used in the SQL: ${unused.join(', ')}`);
  return { sql: out, values: order.map((name) => parameters[name] ?? null) };
}

/** Applies `fn` to the parts of `sql` outside '…' strings, "…" identifiers and comments. */
export function mapOutsideQuotes(sql: string, fn: (code: string) => string): string {
  const parts = sql.split(/('(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/)/);
  return parts.map((part, i) => (i % 2 === 1 ? part : fn(part))).join('');
}
