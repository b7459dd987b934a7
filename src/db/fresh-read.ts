/**
 * Shares one read among concurrent callers without ever answering from a read that began before
 * the caller asked. A caller who arrives while a read is in flight cannot use it (a write may
 * have committed after it began), so it joins the next read, which starts as soon as the current
 * one settles; every caller arriving meanwhile joins that same next read. Under load this turns
 * one database round trip per request into one per batch, at the cost of waiting at most one
 * extra read; an idle caller reads at once. Errors reach exactly the callers of the failed read.
 */
export class FreshRead<T> {
  private inFlight: Promise<T> | undefined;
  private next: Promise<T> | undefined;

  constructor(private readonly read: () => Promise<T>) {}

  get(): Promise<T> {
    if (this.inFlight === undefined) return this.start();
    if (this.next === undefined) {
      const settled = this.inFlight.then(
        () => undefined,
        () => undefined,
      );
      this.next = settled.then(() => {
        this.next = undefined;
        return this.start();
      });
    }
    return this.next;
  }

  private start(): Promise<T> {
    const current = this.read();
    this.inFlight = current;
    const clear = (): void => {
      if (this.inFlight === current) this.inFlight = undefined;
    };
    current.then(clear, clear);
    return current;
  }
}
