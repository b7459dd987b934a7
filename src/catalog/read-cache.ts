/**
 * Rendered catalog pages, valid for one catalog generation. Catalog reads dominate (every
 * marketplace view, every CLI listing) and change rarely, so a page is computed once per
 * generation and viewer; any write bumps the generation (database triggers) and retires it.
 * Bounded: least recently used entries go first.
 */
export class CatalogReadCache {
  private readonly entries = new Map<string, { generation: number; body: string }>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = 2000,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  async getOrCompute(
    key: string,
    generation: number,
    compute: () => Promise<string>,
  ): Promise<string> {
    const hit = this.entries.get(key);
    if (hit?.generation === generation) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.body;
    }
    const body = await compute();
    this.store(key, generation, body);
    return body;
  }

  private store(key: string, generation: number, body: string): void {
    const previous = this.entries.get(key);
    if (previous) {
      this.bytes -= previous.body.length;
      this.entries.delete(key);
    }
    if (body.length > this.maxBytes) return;
    this.entries.set(key, { generation, body });
    this.bytes += body.length;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.body.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
