/**
 * Byte-range access to a file, the one thing a Parquet reader needs from storage: the footer is read
 * from the end, then only the column chunks asked for. An object store offers it with ranged GETs.
 */
export interface RandomAccessFile {
  /** Named in errors. */
  readonly name: string;
  readonly size: number;
  /** Bytes `start` (inclusive) to `end` (exclusive). */
  read(start: number, end: number): Promise<Uint8Array>;
}

/** A file already in memory (tests, small downloads). */
export function bytesFile(bytes: Uint8Array, name = 'memory'): RandomAccessFile {
  return { name, size: bytes.length, read: async (start, end) => bytes.subarray(start, end) };
}
