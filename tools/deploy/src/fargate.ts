import type { FargateVcpu } from './declaration.js';

/** Memory (MiB) Fargate accepts per vCPU: from, to, step (the Batch user guide's Fargate resource table). */
const fargateMemory: Record<FargateVcpu, [number, number, number]> = {
  0.25: [512, 2048, 512],
  0.5: [1024, 4096, 1024],
  1: [2048, 8192, 1024],
  2: [4096, 16384, 1024],
  4: [8192, 30720, 1024],
  8: [16384, 61440, 4096],
  16: [32768, 122880, 8192],
};

/** The memory sizes Fargate runs with `vcpu`, or undefined when `vcpu` is not a Fargate size. */
export function fargateMemoryChoices(vcpu: number): number[] | undefined {
  const range = fargateMemory[vcpu as FargateVcpu];
  if (!range) return undefined;
  const [from, to, step] = range;
  const sizes = vcpu === 0.25 ? [512, 1024, 2048] : [];
  for (let size = from; vcpu !== 0.25 && size <= to; size += step) sizes.push(size);
  return sizes;
}
