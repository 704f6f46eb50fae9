import { parseArgs } from 'node:util';
import { TerminalError } from '@etl/core';

export type OptionKind = 'string' | 'int' | 'number';

/**
 * A campaign command's options (`--name value`), each with its default; an unknown option or a value of
 * the wrong kind is a `TerminalError` naming it (exit 2).
 */
export function commandOptions<T extends Record<string, string | number>>(argv: readonly string[], defaults: T): T {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.keys(defaults).map((name) => [name, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new TerminalError(
      'BAD_ARGUMENT',
      // Node's parseArgs explains over several lines: one line here.
      `${(error as Error).message.replace(/\s*\n\s*/g, ' ')}; options: ${Object.keys(defaults)
        .map((n) => `--${n}`)
        .join(', ')}`,
    );
  }
  const values = { ...defaults } as Record<string, string | number>;
  for (const [name, raw] of Object.entries(parsed.values)) {
    if (typeof raw !== 'string') continue;
    if (typeof defaults[name] === 'number') {
      const value = Number(raw);
      if (!Number.isFinite(value) || value < 0) throw new TerminalError('BAD_ARGUMENT', `--${name} ${raw}: give a number of 0 or more`);
      values[name] = value;
    } else values[name] = raw;
  }
  return values as T;
}
