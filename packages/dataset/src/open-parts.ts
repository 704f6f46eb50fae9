import type { ColumnBatch, Value } from '@etl/schema';
import type { DatasetFile } from './manifest.js';
import type { PartFile } from './part-file.js';

/**
 * The parts being written, one per partition, and the rules for ending them: a part is finished at
 * the first row group boundary where it holds `targetFileBytes`, and opening a part past
 * `maxOpenPartitions` first finishes the least recently written one. Parts are only made for a row,
 * so no file is ever empty.
 */
export class OpenParts {
  /** In least-recently-written order (a Map keeps insertion order; a written part is moved to the end). */
  private readonly open = new Map<string, PartFile>();
  private readonly done: DatasetFile[] = [];
  private doneBytes = 0;
  private made = 0;
  private recent: string | undefined;
  private aborted = false;

  constructor(
    private readonly makePart: (partition: string, index: number) => PartFile,
    private readonly limits: { targetFileBytes: number; maxOpenPartitions: number },
  ) {}

  /** The files finished so far. */
  get files(): readonly DatasetFile[] {
    return this.done;
  }

  /** Bytes handed to uploads so far: the finished files and the open parts' finished row groups. */
  get bytes(): number {
    let bytes = this.doneBytes;
    for (const part of this.open.values()) bytes += part.bytes;
    return bytes;
  }

  /** Adds rows (already in the files' column order) to the partition's part, rolling it as it fills. */
  async writeRows(partition: string, rows: readonly (readonly Value[])[]): Promise<void> {
    let part: PartFile | undefined;
    for (const row of rows) {
      part ??= await this.partFor(partition);
      const chunks = part.appendRow(row);
      if (chunks.length === 0) continue;
      await part.write(chunks);
      if (part.bytes >= this.limits.targetFileBytes) {
        await this.finish(partition);
        part = undefined;
      }
    }
  }

  /** Adds a column batch to the partition's part; the part may pass the target by the row groups of one batch. */
  async writeColumns(partition: string, batch: ColumnBatch): Promise<void> {
    if (batch.length === 0) return;
    const part = await this.partFor(partition);
    const chunks = part.appendColumns(batch);
    if (chunks.length === 0) return;
    await part.write(chunks);
    if (part.bytes >= this.limits.targetFileBytes) await this.finish(partition);
  }

  /** Finishes every open part; returns every file written. */
  async finishAll(): Promise<DatasetFile[]> {
    for (const partition of [...this.open.keys()]) await this.finish(partition);
    return this.done;
  }

  /** Aborts the open parts' uploads. Finished files stay: the caller deletes them. */
  async abort(reason: unknown): Promise<void> {
    this.aborted = true;
    const parts = [...this.open.values()];
    this.open.clear();
    await Promise.all(parts.map((part) => part.abort(reason)));
  }

  private async partFor(partition: string): Promise<PartFile> {
    // A write still running when the run was aborted must not start a new upload.
    if (this.aborted) throw new Error('the dataset run was aborted');
    const existing = this.open.get(partition);
    if (existing) {
      if (this.recent !== partition) {
        this.open.delete(partition);
        this.open.set(partition, existing);
        this.recent = partition;
      }
      return existing;
    }
    if (this.open.size >= this.limits.maxOpenPartitions) await this.finish(this.open.keys().next().value as string);
    const part = this.makePart(partition, this.made++);
    this.open.set(partition, part);
    this.recent = partition;
    return part;
  }

  private async finish(partition: string): Promise<void> {
    const part = this.open.get(partition);
    if (!part) return;
    this.open.delete(partition);
    if (this.recent === partition) this.recent = undefined;
    try {
      const file = await part.finish();
      this.done.push(file);
      this.doneBytes += file.bytes;
    } catch (error) {
      await part.abort(error);
      throw error;
    }
  }
}
