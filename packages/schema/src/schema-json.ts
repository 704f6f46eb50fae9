import { TerminalError } from '@etl/core';
import { keyFields } from './types.js';
import { parseSchemaCsv } from './schema-csv.js';
import { parseType, SchemaError, type Schema } from './types.js';

/**
 * The typed JSON form of a schema: `{"fields":[{"name":"id","type":"bigint","nullable":false,"keyOrder":1}, …]}`
 * (or the bare array). Types are spelled as in the CSV form (`decimal(12,4)`, `varchar(64)`, `timestamptz`).
 * Every problem is reported at once, naming the field.
 */
export function parseSchemaJson(text: string, file = 'schema.json'): Schema {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SchemaError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { fields?: unknown } | null)?.fields;
  if (!Array.isArray(list) || list.length === 0)
    throw new SchemaError(`${file}: expected {"fields": [{"name", "type", "nullable"?, "keyOrder"?}, …]}`);
  const problems: string[] = [];
  const fields = list.flatMap((item: unknown, i) => {
    const f = item as { name?: unknown; type?: unknown; nullable?: unknown; keyOrder?: unknown };
    const where = `${file}: field ${i + 1}${typeof f?.name === 'string' ? ` (${f.name})` : ''}`;
    if (typeof f?.name !== 'string' || f.name === '') return (problems.push(`${where}: "name" must be a non-empty string`), []);
    if (typeof f.type !== 'string') return (problems.push(`${where}: "type" must be a string such as "decimal(12,4)"`), []);
    try {
      const keyOrder = typeof f.keyOrder === 'number' ? f.keyOrder : undefined;
      return [
        {
          name: f.name,
          type: parseType(f.type),
          nullable: keyOrder === undefined ? f.nullable !== false : false,
          ...(keyOrder === undefined ? {} : { keyOrder }),
        },
      ];
    } catch (error) {
      return (problems.push(`${where}: ${(error as Error).message}`), []);
    }
  });
  if (problems.length > 0) throw new SchemaError(problems.join('\n'));
  return { fields };
}

/**
 * A schema file in either form, told apart by its extension (`.json`) or its first character.
 * `requireKey`: a schema that marks no key column (`key_order`) is refused, for loads that address rows by key.
 */
export function parseSchemaFile(text: string, file: string, options: { requireKey?: boolean } = {}): Schema {
  const schema =
    file.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{') || text.trimStart().startsWith('[')
      ? parseSchemaJson(text, file)
      : parseSchemaCsv(text, file);
  if (options.requireKey && keyFields(schema).length === 0)
    throw new TerminalError('CONFIG', `${file} marks no key column (key_order 1, 2, …)`);
  return schema;
}
