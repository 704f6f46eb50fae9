import type { PipelineResources } from './declaration.js';

/**
 * Share of the container's memory given to the V8 heap; the rest is Node's own, native buffers (Parquet pages,
 * snappy, sockets) and the page cache. Batch kills a container that passes its memory, so the heap must stop first.
 */
export const heapShare = 0.75;

/** A pipeline's bounded-memory settings from its container size: the heap limit and its memory arguments. */
export function boundedMemory(resources: PipelineResources): { heapMiB: number; environment: Record<string, string> } {
  const heapMiB = Math.floor(resources.memoryMiB * heapShare);
  const semiSpace = resources.semiSpaceMiB === undefined ? '' : ` --max-semi-space-size=${resources.semiSpaceMiB}`;
  const environment: Record<string, string> = { NODE_OPTIONS: `--max-old-space-size=${heapMiB}${semiSpace}` };
  for (const [arg, share] of Object.entries(resources.memoryArgs ?? {})) {
    environment[envName(arg)] = String(Math.floor(resources.memoryMiB * share));
  }
  return { heapMiB, environment };
}

/** `ETL_MEMORY_MB` for `memory_mb`: the runtime's environment stand-in for an argument (packages/runtime glue-args). */
export function envName(argName: string): string {
  return `ETL_${argName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
