import type { RecordBatch, Sink } from '../contracts.js';

/**
 * A real in-memory destination with controllable speed and failures, for tests of the machinery
 * around sinks (batching, retries, backpressure): dlt's "destination with failure probabilities".
 */
export class MemorySink<T> implements Sink<T> {
  readonly name: string;
  readonly batches: T[][] = [];
  connected = false;
  closed = false;
  aborted: unknown = undefined;
  inFlight = 0;
  maxObservedInFlight = 0;
  private failures: Array<(batch: RecordBatch<T>) => Error | undefined> = [];
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  constructor(
    name = 'memory',
    private readonly delayMs = 0,
  ) {
    this.name = name;
  }

  get rows(): T[] {
    return this.batches.flat();
  }

  /** The next `writeBatch` calls fail with these errors, in order (undefined = succeed). */
  failNext(...failures: Array<(batch: RecordBatch<T>) => Error | undefined>): this {
    this.failures.push(...failures);
    return this;
  }

  /** Blocks every `writeBatch` until `release()`: a sink that has stopped accepting data. */
  hold(): this {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
    return this;
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  async connect(): Promise<void> {
    this.connected = true;
  }

  async writeBatch(batch: RecordBatch<T>): Promise<{ bytes: number }> {
    this.inFlight++;
    this.maxObservedInFlight = Math.max(this.maxObservedInFlight, this.inFlight);
    try {
      if (this.gate) await this.gate;
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      const failure = this.failures.shift()?.(batch);
      if (failure) throw failure;
      this.batches.push([...batch]);
      return { bytes: JSON.stringify(batch).length };
    } finally {
      this.inFlight--;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async abort(reason: unknown): Promise<void> {
    this.aborted = reason;
  }
}
