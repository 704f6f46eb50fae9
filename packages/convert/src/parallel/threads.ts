import { availableParallelism, totalmem } from 'node:os';

/** Characters per chunk by default: about one default row group (65,536 rows) of a typical CSV. */
export const DEFAULT_CHUNK_CHARS = 8 * 1024 * 1024;
/**
 * A worker thread's own memory besides its chunk: its isolate, the modules it loads, its writer.
 * Measured: 2 threads peaked 110-130 MiB above 1 thread converting a 107 MB file at 8 Mi chunks.
 */
const THREAD_BASE_BYTES = 32 * 1024 * 1024;

/**
 * What one worker thread may hold converting a chunk of `chunkChars`: the text (up to 2 bytes a
 * character), its field spans, the typed columns and the open row group's values and pages, about
 * four times the chunk, besides its isolate.
 */
export function threadBytes(chunkChars: number): number {
  return 4 * chunkChars + THREAD_BASE_BYTES;
}

/**
 * The default thread count: every core (`os.availableParallelism()`), but no more threads than a
 * quarter of the memory the process may use holds (`threadBytes` each; the cgroup's limit in a
 * container, else the machine's memory), and at least 1.
 */
export function defaultThreads(chunkChars: number): number {
  const limit = process.constrainedMemory?.() || totalmem();
  return Math.max(1, Math.min(availableParallelism(), Math.floor(limit / 4 / threadBytes(chunkChars))));
}
