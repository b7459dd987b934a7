import { ConcurrencyGate, GateBusyError } from '../../../src/auth/concurrency-gate';

/** A task the spec finishes by hand, recording when it started. */
function deferredTask(
  log: string[],
  name: string,
): { task: () => Promise<string>; finish(): void } {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    task: async () => {
      log.push(`start ${name}`);
      await done;
      return name;
    },
    finish: () => {
      finish();
    },
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyGate', () => {
  it('when the limit is reached, the next task waits until one finishes', async () => {
    const gate = new ConcurrencyGate(1, 5);
    const log: string[] = [];
    const a = deferredTask(log, 'a');
    const b = deferredTask(log, 'b');
    const ra = gate.run(a.task);
    const rb = gate.run(b.task);
    await tick();
    expect(log).toEqual(['start a']);
    a.finish();
    expect(await ra).toBe('a');
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    b.finish();
    expect(await rb).toBe('b');
  });

  it('when the waiting line is full, refuses at once with GateBusyError', async () => {
    const gate = new ConcurrencyGate(1, 1);
    const log: string[] = [];
    const a = deferredTask(log, 'a');
    const b = deferredTask(log, 'b');
    const ra = gate.run(a.task);
    const rb = gate.run(b.task);
    await expect(gate.run(() => Promise.resolve('c'))).rejects.toThrow(GateBusyError);
    a.finish();
    b.finish();
    expect([await ra, await rb]).toEqual(['a', 'b']);
    // Once drained, the gate admits again.
    expect(await gate.run(() => Promise.resolve('d'))).toBe('d');
  });

  it('when a task fails, its slot is freed for the next', async () => {
    const gate = new ConcurrencyGate(1, 1);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(() => Promise.resolve('next'))).toBe('next');
  });

  it('with a limit of two, two tasks run together and a third waits', async () => {
    const gate = new ConcurrencyGate(2, 5);
    const log: string[] = [];
    const tasks = ['a', 'b', 'c'].map((n) => deferredTask(log, n));
    const runs = tasks.map((t) => gate.run(t.task));
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    tasks[0]?.finish();
    await tick();
    await tick();
    expect(log).toEqual(['start a', 'start b', 'start c']);
    for (const t of tasks) t.finish();
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'c']);
  });

  it('with a rest ratio, the slot rests as long as the task took (times the ratio) before the next starts', async () => {
    let now = 0;
    const rests: number[] = [];
    let endRest: () => void = () => undefined;
    const gate = new ConcurrencyGate(1, 5, {
      restRatio: 1,
      now: () => now,
      sleep: (ms) => {
        rests.push(ms);
        return new Promise((resolve) => {
          endRest = resolve;
        });
      },
    });
    const log: string[] = [];
    const a = deferredTask(log, 'a');
    const b = deferredTask(log, 'b');
    const ra = gate.run(a.task);
    const rb = gate.run(b.task);
    await tick();
    now = 40;
    a.finish();
    expect(await ra).toBe('a');
    await tick();
    expect({ rests, log }).toEqual({ rests: [40], log: ['start a'] });
    endRest();
    await tick();
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    b.finish();
    expect(await rb).toBe('b');
  });
});
