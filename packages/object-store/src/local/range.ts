import { TerminalError } from '@etl/core';
import type { ByteRange } from '../object-store.js';

/** Turns a `ByteRange` into inclusive `{ start, end }` for a file of `size` bytes, as S3 would. */
export function resolveRange(range: ByteRange | undefined, size: number, uri: string): { start?: number; end?: number } {
  if (range === undefined) return {};
  if ('suffix' in range) {
    if (range.suffix <= 0) throw new TerminalError('BAD_ARGUMENT', `invalid suffix range of ${range.suffix} bytes for ${uri}`);
    return { start: Math.max(0, size - range.suffix), end: size - 1 };
  }
  const end = Math.min(range.end ?? size - 1, size - 1);
  if (range.start < 0 || range.start >= size || end < range.start) {
    throw new TerminalError('BAD_ARGUMENT', `range ${range.start}-${range.end ?? ''} is outside ${uri} (${size} bytes)`);
  }
  return { start: range.start, end };
}
