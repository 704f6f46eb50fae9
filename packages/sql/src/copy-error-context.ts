/**
 * Where a PostgreSQL `COPY … FROM` stopped, read from its error's context (`where`: `COPY t, line 3,
 * column price: "x"`): the data line (counting a header line) and the column when it names one.
 * Empty for any other error.
 */
export function copyErrorContext(error: unknown): { line?: number; column?: string } {
  const where = (error as { where?: unknown } | null)?.where;
  const at = typeof where === 'string' ? /line (\d+)(?:, column ([^:]+))?/.exec(where) : null;
  if (!at) return {};
  return { line: Number(at[1]), ...(at[2] ? { column: at[2] } : {}) };
}
