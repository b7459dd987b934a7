/**
 * Values valid for one catalog generation, bounded by count and by an estimate of their size:
 * least recently used entries go first. Catalog reads dominate (every marketplace view, every
 * CLI listing) and change rarely, so a value is computed once per generation and key; any write
 * bumps the generation (database triggers) and retires every value computed before it.
 */
export class GenerationCache<V> {
  private readonly entries = new Map<string, { generation: number; value: V; size: number }>();
  private bytes = 0;

  constructor(
    private readonly sizeOf: (value: V) => number,
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  async getOrCompute(key: string, generation: number, compute: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit?.generation === generation) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const value = await compute();
    this.store(key, generation, value);
    return value;
  }

  private store(key: string, generation: number, value: V): void {
    const previous = this.entries.get(key);
    if (previous) {
      this.bytes -= previous.size;
      this.entries.delete(key);
    }
    const size = this.sizeOf(value);
    if (size > this.maxBytes) return;
    this.entries.set(key, { generation, value, size });
    this.bytes += size;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.size;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Rendered catalog pages (JSON text) per generation, viewer and page URL. */
export class CatalogReadCache extends GenerationCache<string> {
  constructor(maxEntries = 2000, maxBytes = 64 * 1024 * 1024) {
    super((body) => body.length, maxEntries, maxBytes);
  }
}

/**
 * The ordered ids of the services one viewer may see under one filter, per generation: a
 * member's visibility is the expensive part of a page (plans × their orgs' visibilities), and
 * with it cached every page of every size is a slice plus a primary-key read.
 */
export class VisibleIdsCache extends GenerationCache<readonly number[]> {
  constructor(maxEntries = 500, maxBytes = 32 * 1024 * 1024) {
    // A JS array of small integers costs about 8 bytes an element.
    super((ids) => 64 + ids.length * 8, maxEntries, maxBytes);
  }
}
