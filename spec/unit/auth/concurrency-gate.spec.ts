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

  it.each<[string, number, number, number, boolean]>([
    ['nothing runs', 1, 0, 0, true],
    ['a slot is free', 2, 0, 1, true],
    ['every slot is taken but the line has room', 1, 2, 2, true],
    ['every slot is taken and there is no line', 1, 0, 1, false],
    ['every slot and the whole line are taken', 1, 2, 3, false],
  ])(
    'hasRoom when %s: limit %i, line %i, %i tasks started -> %s',
    (_name, limit, line, started, expected) => {
      const gate = new ConcurrencyGate(limit, line);
      for (let i = 0; i < started; i += 1) void gate.run(() => new Promise<never>(() => undefined));
      expect(gate.hasRoom()).toBe(expected);
    },
  );

  describe('with a wait limit', () => {
    /** Timers the spec fires by hand, in the order they were started. */
    function manualTimers(): {
      startTimer: (ms: number, onTimeout: () => void) => () => void;
      fire(index: number): void;
      started: number[];
      cancelled: number[];
    } {
      const callbacks: (() => void)[] = [];
      const started: number[] = [];
      const cancelled: number[] = [];
      return {
        started,
        cancelled,
        startTimer: (ms, onTimeout) => {
          const index = callbacks.length;
          callbacks.push(onTimeout);
          started.push(ms);
          return () => {
            cancelled.push(index);
          };
        },
        fire: (index) => {
          callbacks[index]?.();
        },
      };
    }

    it('a task still waiting when its time is up is refused, leaves the line, and the next one moves up', async () => {
      const timers = manualTimers();
      const gate = new ConcurrencyGate(1, 2, { maxWaitMs: 2000, startTimer: timers.startTimer });
      const log: string[] = [];
      const a = deferredTask(log, 'a');
      const b = deferredTask(log, 'b');
      const c = deferredTask(log, 'c');
      const ra = gate.run(a.task);
      const rb = gate.run(b.task);
      const rc = gate.run(c.task);
      expect({ started: timers.started, hasRoom: gate.hasRoom() }).toEqual({
        started: [2000, 2000],
        hasRoom: false,
      });
      timers.fire(0);
      await expect(rb).rejects.toThrow(GateBusyError);
      expect(gate.hasRoom()).toBe(true);
      a.finish();
      expect(await ra).toBe('a');
      await tick();
      expect(log).toEqual(['start a', 'start c']);
      c.finish();
      expect(await rc).toBe('c');
      b.finish();
    });

    it('a task admitted in time has its timer cancelled, and a late timer changes nothing', async () => {
      const timers = manualTimers();
      const gate = new ConcurrencyGate(1, 1, { maxWaitMs: 2000, startTimer: timers.startTimer });
      const log: string[] = [];
      const a = deferredTask(log, 'a');
      const b = deferredTask(log, 'b');
      const ra = gate.run(a.task);
      const rb = gate.run(b.task);
      a.finish();
      expect(await ra).toBe('a');
      await tick();
      expect({ log, cancelled: timers.cancelled }).toEqual({
        log: ['start a', 'start b'],
        cancelled: [0],
      });
      timers.fire(0);
      b.finish();
      expect(await rb).toBe('b');
      // The slot b held is free again: a new task starts at once.
      expect(await gate.run(() => Promise.resolve('d'))).toBe('d');
    });

    it('with real timers, a task waiting behind one that never ends is refused after the limit', async () => {
      const gate = new ConcurrencyGate(1, 1, { maxWaitMs: 20 });
      void gate.run(() => new Promise<never>(() => undefined));
      await expect(gate.run(() => Promise.resolve('late'))).rejects.toThrow(GateBusyError);
    });
  });
});
