import { Worker } from 'node:worker_threads';

/**
 * The worker's code, plain JavaScript evaluated by the worker (so it runs the same from ts-jest
 * and from dist/). It lowers its own thread's priority first: on Linux the nice value belongs to
 * the thread, so the API's event loop and the database's threads keep theirs.
 */
const WORKER_SOURCE = `
const crypto = require('node:crypto');
const os = require('node:os');
const { parentPort, workerData } = require('node:worker_threads');
if (workerData.niceness > 0) {
  try {
    os.setPriority(workerData.niceness);
  } catch {
    // Without a lower priority the hash still runs, only competing at the normal one.
  }
}
parentPort.on('message', ({ id, password, salt, keylen }) => {
  try {
    parentPort.postMessage({ id, key: crypto.scryptSync(password, salt, keylen) });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
`;

export interface ScryptWorkersOptions {
  /**
   * Nice value (0–19) each worker gives its own thread. Only applied on Linux, where it is a
   * per-thread attribute; elsewhere it would lower the whole process, the API with it.
   */
  niceness: number;
  /** An idle worker ends after this long (a new one starts on demand; ~30 ms). */
  idleMs: number;
}

interface Job {
  id: number;
  resolve: (key: Buffer) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  idleTimer: NodeJS.Timeout | undefined;
}

/** A message from the worker (parse boundary: it is our own WORKER_SOURCE above). */
interface WorkerMessage {
  id?: number;
  key?: Uint8Array;
  error?: string;
}

/**
 * scrypt on worker threads of their own instead of libuv's pool: the pool's threads stay free
 * for sqlite3 and the file system, and the hashing threads run at a lower CPU priority, so under
 * contention the scheduler serves the API first while an idle machine still hashes at full speed.
 * One job per worker at a time; callers bound how many run at once (the hashing gate).
 */
export class ScryptWorkers {
  private readonly idle: Slot[] = [];
  private nextId = 0;
  private live = 0;

  constructor(private readonly options: ScryptWorkersOptions) {}

  scrypt(password: string, salt: Buffer, keylen: number): Promise<Buffer> {
    const slot = this.idle.pop() ?? this.start();
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    slot.worker.ref(); // a CLI command awaiting its hash must not exit under it
    const id = (this.nextId += 1);
    return new Promise<Buffer>((resolve, reject) => {
      slot.job = { id, resolve, reject };
      slot.worker.postMessage({ id, password, salt, keylen });
    });
  }

  /** Worker threads alive now, busy or idle. */
  workerCount(): number {
    return this.live;
  }

  private start(): Slot {
    const niceness = process.platform === 'linux' ? this.options.niceness : 0;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { niceness } });
    this.live += 1;
    const slot: Slot = { worker, job: undefined, idleTimer: undefined };
    worker.on('message', (message: WorkerMessage) => {
      const job = slot.job;
      if (!job || job.id !== message.id) return;
      slot.job = undefined;
      if (message.key) job.resolve(Buffer.from(message.key));
      else job.reject(new Error(`scrypt failed: ${message.error ?? 'no key'}`));
      this.rest(slot);
    });
    const fail = (err: Error): void => {
      this.forget(slot);
      const job = slot.job;
      slot.job = undefined;
      job?.reject(err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      this.live -= 1;
      fail(new Error(`scrypt worker exited with code ${code}`));
    });
    return slot;
  }

  /** Back to the idle list, unreferenced, ending after `idleMs` unless used again. */
  private rest(slot: Slot): void {
    slot.worker.unref();
    this.idle.push(slot);
    slot.idleTimer = setTimeout(() => {
      this.forget(slot);
      void slot.worker.terminate();
    }, this.options.idleMs);
    slot.idleTimer.unref();
  }

  private forget(slot: Slot): void {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    const at = this.idle.indexOf(slot);
    if (at >= 0) this.idle.splice(at, 1);
  }
}
