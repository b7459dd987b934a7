import { FreshRead } from '../../../src/db/fresh-read';

/** A read whose answer the spec hands out, one pending read at a time. */
class ScriptedReads {
  readonly started: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];

  read = (): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      this.started.push({ resolve, reject });
    });

  settle(index: number, outcome: number | Error): void {
    const read = this.started[index];
    if (read === undefined) throw new Error(`read ${String(index)} never started`);
    if (outcome instanceof Error) read.reject(outcome);
    else read.resolve(outcome);
  }
}

const tick = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

describe('FreshRead', () => {
  it('reads at once for an idle caller, and again for the next idle caller', async () => {
    const reads = new ScriptedReads();
    const fresh = new FreshRead(reads.read);
    const first = fresh.get();
    expect(reads.started).toHaveLength(1);
    reads.settle(0, 1);
    await expect(first).resolves.toBe(1);
    const second = fresh.get();
    expect(reads.started).toHaveLength(2);
    reads.settle(1, 2);
    await expect(second).resolves.toBe(2);
  });

  it('never answers a caller from a read that began before it asked: it joins the next one', async () => {
    const reads = new ScriptedReads();
    const fresh = new FreshRead(reads.read);
    const early = fresh.get();
    const late = [fresh.get(), fresh.get(), fresh.get()];
    expect(reads.started).toHaveLength(1);
    reads.settle(0, 10);
    await expect(early).resolves.toBe(10);
    await tick();
    // One read for all three late callers, begun only after they asked.
    expect(reads.started).toHaveLength(2);
    reads.settle(1, 20);
    await expect(Promise.all(late)).resolves.toEqual([20, 20, 20]);
  });

  it('gives a failed read’s error only to its own callers', async () => {
    const reads = new ScriptedReads();
    const fresh = new FreshRead(reads.read);
    const failing = fresh.get();
    const waiting = fresh.get();
    reads.settle(0, new Error('database gone'));
    await expect(failing).rejects.toThrow('database gone');
    await tick();
    reads.settle(1, 7);
    await expect(waiting).resolves.toBe(7);
  });

  it('starts a fresh read for a caller arriving while the joined read is in flight', async () => {
    const reads = new ScriptedReads();
    const fresh = new FreshRead(reads.read);
    void fresh.get();
    const joined = fresh.get();
    reads.settle(0, 1);
    await tick();
    expect(reads.started).toHaveLength(2);
    const later = fresh.get();
    reads.settle(1, 2);
    await expect(joined).resolves.toBe(2);
    await tick();
    expect(reads.started).toHaveLength(3);
    reads.settle(2, 3);
    await expect(later).resolves.toBe(3);
  });
});
