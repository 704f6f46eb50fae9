import { SpillWriter } from './spill-file.js';
import type { SpillFolder } from './spill-folder.js';

/** One finished partition file. */
export interface SpillPartition {
  path: string;
  rows: number;
  bytes: number;
}

/**
 * Records partitioned into `count` spill files of one folder (by a hash of their key seeded by `level`,
 * so that a partition spilled again spreads over new partitions: `hashMapKey`). Files are opened on their first row,
 * so an empty partition costs nothing; rows keep their order within a partition, which is what lets
 * "the row read last wins" survive a spill. Memory: one `SPILL_BUFFER_BYTES` buffer per open file.
 */
export class PartitionedSpill {
  private readonly writers: Array<SpillWriter | undefined>;
  private closed = false;

  constructor(
    private readonly folder: SpillFolder,
    readonly count: number,
    readonly level: number,
    private readonly label: string,
  ) {
    this.writers = new Array<SpillWriter | undefined>(count).fill(undefined);
  }

  /** Rows written so far, over every partition. */
  get rows(): number {
    let rows = 0;
    for (const writer of this.writers) rows += writer?.rows ?? 0;
    return rows;
  }

  /** Appends one frame already encoded (a record moved without decoding it). */
  appendRecord(partition: number, source: Buffer, start: number, end: number): void {
    const writer = this.writers[partition] ?? this.open(partition);
    writer.appendBytes(source, start, end);
  }

  /** Closes every file; the partitions in index order (undefined where no row went). */
  finish(): Array<SpillPartition | undefined> {
    this.closed = true;
    const writers = this.writers.splice(0);
    // Close all even when one fails, so no handle outlives the folder's removal.
    let failure: unknown;
    for (const writer of writers) {
      try {
        writer?.close();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
    return writers.map((w) => (w === undefined ? undefined : { path: w.path, rows: w.rows, bytes: w.bytes }));
  }

  /** Closes every open file after a failure, ignoring errors (the folder is removed next). */
  discard(): void {
    if (this.closed) return;
    this.closed = true;
    for (const writer of this.writers.splice(0)) {
      try {
        writer?.close();
      } catch {
        // Already failing: the first error is the one reported.
      }
    }
  }

  private open(partition: number): SpillWriter {
    const writer = SpillWriter.create(this.folder.newFile(`${this.label}-p${partition}`));
    this.writers[partition] = writer;
    return writer;
  }
}
