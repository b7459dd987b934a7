import crypto from 'node:crypto';
import fs from 'node:fs';
import { ScryptWorkers } from '../../../src/auth/scrypt-workers';
import { eventually } from '../../support/instances';

/** Nice values of this process's threads, by thread id (Linux). */
function threadNiceness(): Map<string, number> {
  const result = new Map<string, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Field 19 is the nice value; fields after the parenthesised name start at field 3.
      result.set(tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return result;
}

describe('ScryptWorkers', () => {
  const workers = new ScryptWorkers({ niceness: 10, idleMs: 5_000 });

  it.each<[string, string, string]>([
    ['an ASCII password', 'correct horse', '00112233445566778899aabbccddeeff'],
    ['an empty password', '', 'ffffffffffffffffffffffffffffffff'],
    ['a non-ASCII password', 'pässwörd ✓ 🐳', '0f1e2d3c4b5a69788796a5b4c3d2e1f0'],
  ])(
    "derives %s's key exactly as node's scrypt with default cost",
    async (_name, password, saltHex) => {
      const salt = Buffer.from(saltHex, 'hex');
      expect((await workers.scrypt(password, salt, 64)).toString('hex')).toBe(
        crypto.scryptSync(password, salt, 64).toString('hex'),
      );
    },
  );

  it('runs jobs at once on several workers, each answered with its own key', async () => {
    const salt = Buffer.alloc(16, 7);
    const keys = await Promise.all(['a', 'b', 'c'].map((p) => workers.scrypt(p, salt, 32)));
    expect(keys.map((k) => k.toString('hex'))).toEqual(
      ['a', 'b', 'c'].map((p) => crypto.scryptSync(p, salt, 32).toString('hex')),
    );
    expect(workers.workerCount()).toBeGreaterThanOrEqual(3);
  });

  it('a failing derivation rejects its job and the worker serves the next', async () => {
    // A key length scrypt refuses: the worker reports the error instead of a key.
    await expect(workers.scrypt('x', Buffer.alloc(16), -1)).rejects.toThrow(/scrypt failed/);
    expect((await workers.scrypt('x', Buffer.alloc(16), 16)).length).toBe(16);
  });

  it('on Linux, hashing threads run at the configured nice value while the main thread keeps its own', async () => {
    expect(process.platform).toBe('linux'); // CI and this project's machines; the check reads /proc
    const mainBefore = threadNiceness().get(String(process.pid)) ?? NaN;
    await workers.scrypt('x', Buffer.alloc(16), 16);
    const niceness = threadNiceness();
    // Raising one's nice value needs no privilege; a runner already nicer than 10 stays so.
    const expectedWorker = Math.max(10, mainBefore);
    expect({
      main: niceness.get(String(process.pid)),
      aThreadAtWorkerNiceness: [...niceness.values()].includes(expectedWorker),
    }).toEqual({ main: mainBefore, aThreadAtWorkerNiceness: true });
  });

  it('an idle worker ends after the idle time, and the next job starts a new one', async () => {
    const shortLived = new ScryptWorkers({ niceness: 10, idleMs: 50 });
    await shortLived.scrypt('x', Buffer.alloc(16), 16);
    await eventually(
      () => (shortLived.workerCount() === 0 ? true : undefined),
      10_000,
      'idle worker to end',
    );
    const salt = Buffer.alloc(16, 1);
    expect((await shortLived.scrypt('y', salt, 16)).toString('hex')).toBe(
      crypto.scryptSync('y', salt, 16).toString('hex'),
    );
  });
});
