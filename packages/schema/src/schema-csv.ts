import { CsvParser } from '@etl/csv';
import { parseType, SchemaError, type Field, type Schema } from './types.js';

const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0', '']);

/**
 * A schema-definition CSV like seed 000's: header `column_name,data_type[,nullable][,key_order]`.
 * `nullable` defaults to true (key columns: false); `key_order` 1, 2, … marks a compound key.
 * Every problem is reported at once, each with its line.
 */
export function parseSchemaCsv(text: string, file = 'schema.csv'): Schema {
  const rows: Array<{ fields: string[]; line: number }> = [];
  const problems: string[] = [];
  const parser = new CsvParser({ file });
  const onRecord = (fields: string[], line: number) => rows.push({ fields: joinParentheses(fields).map((f) => f.trim()), line });
  const onReject = (e: Error) => problems.push(e.message);
  parser.push(text.replace(/^\uFEFF/, ''), onRecord, onReject);
  parser.end(onRecord, onReject);
  const [header, ...body] = rows;
  const names = header?.fields.map((h) => h.toLowerCase()) ?? [];
  const at = (name: string) => names.indexOf(name);
  if (at('column_name') === -1 || at('data_type') === -1) {
    throw new SchemaError(
      `${file}: the header must be column_name,data_type[,nullable][,key_order], got "${header?.fields.join(',') ?? ''}"`,
    );
  }
  const fields: Field[] = [];
  const seen = new Set<string>();
  const keyOrders = new Set<number>();
  for (const { fields: row, line } of body) {
    const name = row[at('column_name')] ?? '';
    const where = `${file} line ${line}`;
    if (name === '') {
      problems.push(`${where}: column_name is empty`);
      continue;
    }
    if (seen.has(name)) problems.push(`${where}: column ${name} is defined twice`);
    seen.add(name);
    let type;
    try {
      type = parseType(row[at('data_type')] ?? '');
    } catch (error) {
      problems.push(`${where}, column ${name}: ${(error as Error).message}`);
      continue;
    }
    const keyText = at('key_order') === -1 ? '' : (row[at('key_order')] ?? '');
    let keyOrder: number | undefined;
    if (keyText !== '') {
      keyOrder = Number(keyText);
      if (!Number.isInteger(keyOrder) || keyOrder < 1)
        problems.push(`${where}, column ${name}: key_order must be 1, 2, … (got "${keyText}")`);
      else if (keyOrders.has(keyOrder)) problems.push(`${where}, column ${name}: key_order ${keyOrder} is used twice`);
      keyOrders.add(keyOrder);
    }
    const nullableText = (at('nullable') === -1 ? '' : (row[at('nullable')] ?? '')).toLowerCase();
    if (!TRUE.has(nullableText) && !FALSE.has(nullableText))
      problems.push(`${where}, column ${name}: nullable must be true or false (got "${nullableText}")`);
    const nullable = nullableText === '' ? keyOrder === undefined : TRUE.has(nullableText);
    if (keyOrder !== undefined && nullable) problems.push(`${where}, column ${name}: a key column cannot be nullable`);
    fields.push({ name, type, nullable, ...(keyOrder === undefined ? {} : { keyOrder }) });
  }
  const orders = [...keyOrders].sort((a, b) => a - b);
  if (orders.some((o, i) => o !== i + 1)) problems.push(`${file}: key_order must run 1, 2, … without gaps (got ${orders.join(', ')})`);
  if (fields.length === 0 && problems.length === 0) problems.push(`${file}: no columns defined`);
  if (problems.length > 0) throw new SchemaError(problems.join('\n'));
  return { fields };
}

/** `decimal(12,3)` written without quotes arrives as `decimal(12` and `3)`: put it back together. */
function joinParentheses(fields: string[]): string[] {
  const out: string[] = [];
  for (const field of fields) {
    const last = out.at(-1);
    if (last !== undefined && depth(last) > 0) out[out.length - 1] = `${last},${field}`;
    else out.push(field);
  }
  return out;
}

function depth(text: string): number {
  return (text.match(/\(/g)?.length ?? 0) - (text.match(/\)/g)?.length ?? 0);
}
