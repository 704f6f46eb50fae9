import { readFileSync } from 'node:fs';
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
 * Input bytes a thread must have to pay for itself by default. Measured on the 2-vCPU VM, 2026-12-07:
 * at 2 threads a 72 MB CSV converted no faster (Parquet 1.96-2.26 s against 2.24-2.26 at 1 thread;
 * COPY staging 2.6 s against 1.9) for 1-2 CPU-s more and twice the memory; 200 MB 1.05-1.1x, 1 GB
 * 1.2-1.7x. A worker's start, its own JIT and heap are paid once per thread, whatever the file.
 */
export const BYTES_PER_THREAD = 64 * 1024 * 1024;

/**
 * The default thread count: every core the process may use (`os.availableParallelism()`, within the
 * container's CPU quota), but no more threads than a quarter of the memory the process may use holds
 * (`threadBytes` each; the cgroup's limit in a container, else the machine's memory), nor than the
 * input has `BYTES_PER_THREAD` for (`inputBytes` as stored: compressed files count small), and at least 1.
 */
export function defaultThreads(chunkChars: number, inputBytes: number): number {
  const limit = memoryLimit();
  const byMemory = Math.floor(limit / 4 / threadBytes(chunkChars));
  const cores = Math.min(availableParallelism(), cpuQuota() ?? Infinity);
  return Math.max(1, Math.min(cores, byMemory, Math.floor(inputBytes / BYTES_PER_THREAD)));
}

/**
 * Whole CPUs the container's quota allows, or undefined for none. Node 20's `availableParallelism()`
 * counts the machine's CPUs whatever the cgroup says: a Batch job of 0.5 vCPU on a 2-CPU host would
 * otherwise start two workers on half a CPU.
 */
function cpuQuota(): number | undefined {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  const v2 = read('/sys/fs/cgroup/cpu.max');
  if (v2 !== undefined) return quotaCpus(v2);
  const quota = read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us');
  const period = read('/sys/fs/cgroup/cpu/cpu.cfs_period_us');
  return quota === undefined || period === undefined ? undefined : quotaCpus(`${quota.trim()} ${period.trim()}`);
}

/**
 * Whole CPUs of a cgroup quota, `<quota> <period>` in microseconds (cgroup v2's `cpu.max`; v1's two
 * files joined): `max` or a negative quota is none; a fraction of a CPU rounds down, to at least 1.
 */
export function quotaCpus(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  const q = Number(quota);
  const p = Number(period);
  if (quota === 'max' || !Number.isFinite(q) || q <= 0 || !Number.isFinite(p) || p <= 0) return undefined;
  return Math.max(1, Math.floor(q / p));
}

/**
 * What the process may use: the cgroup's limit in a container, else the machine's memory. Node 20
 * reports no limit as 2^64 (later versions as 0): anything at or past the machine's memory is none.
 */
function memoryLimit(): number {
  const constrained = process.constrainedMemory?.() ?? 0;
  return constrained > 0 && constrained < totalmem() ? constrained : totalmem();
}
