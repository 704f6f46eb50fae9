/**
 * Header names made usable as column names: blanks get `column_<n>` (1-based position), duplicates
 * get `_2`, `_3`… in order of appearance, runs of whitespace (tabs, line breaks, vertical tabs, form
 * feeds inside quoted header cells) become one space and the ends are trimmed, as csvkit does. Pure.
 */
export function uniqueHeader(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  const clean = (n: string) => n.replace(/\s+/g, ' ').trim();
  const taken = new Set(names.map(clean).filter((n) => n !== ''));
  return names.map((raw, i) => {
    let name = clean(raw);
    if (name === '') name = `column_${i + 1}`;
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    if (count === 0) return name;
    let n = count + 1;
    while (taken.has(`${name}_${n}`)) n++;
    const unique = `${name}_${n}`;
    taken.add(unique);
    return unique;
  });
}
