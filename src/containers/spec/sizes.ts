import type { Size } from '../types';

export interface SizeLimits {
  vcpu: number;
  memoryMiB: number;
}

/** Hyper's pricing table (reference §5); MB/GB read as binary units. */
export const SIZE_TABLE: Readonly<Record<Size, SizeLimits>> = {
  s1: { vcpu: 1, memoryMiB: 64 },
  s2: { vcpu: 1, memoryMiB: 128 },
  s3: { vcpu: 1, memoryMiB: 256 },
  s4: { vcpu: 1, memoryMiB: 512 },
  m1: { vcpu: 1, memoryMiB: 1024 },
  m2: { vcpu: 2, memoryMiB: 2048 },
  m3: { vcpu: 2, memoryMiB: 4096 },
  l1: { vcpu: 4, memoryMiB: 4096 },
  l2: { vcpu: 4, memoryMiB: 8192 },
  l3: { vcpu: 8, memoryMiB: 16384 },
};

export interface ResourceLimits {
  memoryBytes: number;
  nanoCpus: number;
  /** Set when the size asks for more CPUs than the host has (Docker would refuse NanoCpus > N). */
  clampedToCpus: number | undefined;
}

export function toResourceLimits(size: Size, hostCpus: number): ResourceLimits {
  const { vcpu, memoryMiB } = SIZE_TABLE[size];
  const cpus = Math.min(vcpu, hostCpus);
  return {
    memoryBytes: memoryMiB * 1048576,
    nanoCpus: cpus * 1e9,
    clampedToCpus: cpus < vcpu ? cpus : undefined,
  };
}
