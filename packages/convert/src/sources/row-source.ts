import type { RunContext } from '@etl/core';
import type { Schema, Value } from '@etl/schema';

/** Typed rows from a file, in batches, with the schema they follow. */
export interface RowSource {
  readonly schema: Schema;
  /** Batches of rows, values in schema order. Bad records went to `ctx.rejects` on the way. */
  batches(): AsyncGenerator<Value[][]>;
  /** Records read from the file (good and rejected), known once `batches` is done. */
  readonly rowsRead: number;
  readonly bytesRead: number;
}

export interface SourceOptions {
  ctx: RunContext;
  /** The columns and their types; CSV and NDJSON infer one from the first MiB when absent. */
  schema?: Schema;
  /** Text encoding (WHATWG label); detected when absent. */
  encoding?: string;
  /** CSV delimiter; sniffed when absent. */
  delimiter?: string;
  /** IANA zone for timestamps without an offset (default UTC). */
  timeZone?: string;
}
