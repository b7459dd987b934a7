/**
 * Services whose removal this process is running right now. Their row is already gone (so the name
 * is free at once), which makes their objects look like orphans: the reconciler's sweep leaves
 * them to the delete instead of racing it (issue 16: hundreds of "orphan removal failed" warnings).
 * A delete cut short by a crash leaves nothing here, and the sweep finishes it after the restart.
 */
export class DeletesInFlight {
  private readonly ids = new Map<string, number>();

  async run<T>(serviceId: string, work: () => Promise<T>): Promise<T> {
    this.ids.set(serviceId, (this.ids.get(serviceId) ?? 0) + 1);
    try {
      return await work();
    } finally {
      const left = (this.ids.get(serviceId) ?? 1) - 1;
      if (left === 0) this.ids.delete(serviceId);
      else this.ids.set(serviceId, left);
    }
  }

  has(serviceId: string): boolean {
    return this.ids.has(serviceId);
  }
}
