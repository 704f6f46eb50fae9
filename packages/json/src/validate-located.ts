import type { z } from 'zod';
import { RecordError, type Stage } from '@etl/core';
import type { Located } from './ndjson-parser.js';

/**
 * A stage that checks each parsed value against a zod record schema: valid values pass on typed,
 * invalid ones become a `RecordError` naming the line, the field and what was wrong.
 */
export function validateLocated<T>(name: string, schema: z.ZodType<T>, file?: string): Stage<Located<unknown>, T> {
  return {
    name,
    process({ value, line }) {
      const result = schema.safeParse(value);
      if (result.success) return result.data;
      const issue = result.error.issues[0];
      const column = issue?.path.join('.') || undefined;
      const raw = column === undefined ? JSON.stringify(value) : JSON.stringify(pick(value, issue?.path ?? []));
      throw new RecordError({ code: 'SCHEMA', reason: issue?.message ?? 'does not match the record schema', file, line, column, raw });
    },
  };
}

function pick(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path)
    current = typeof current === 'object' && current !== null ? (current as Record<PropertyKey, unknown>)[key] : undefined;
  return current;
}
