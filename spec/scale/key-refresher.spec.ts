import { KeyRefresher } from '../../src/secrets/key-refresher';
import type { KeyMaterialName, KeyMaterialStore } from '../../src/secrets/key-material-store';

/** A store whose reads are counted; values change when a spec says so. */
class CountingStore implements KeyMaterialStore {
  readonly shared = true;
  reads = 0;
  value = 'v1';
  read(_name: KeyMaterialName): Promise<string | undefined> {
    this.reads++;
    return Promise.resolve(this.value);
  }
  ensure(): Promise<string> {
    return Promise.resolve(this.value);
  }
  update(): Promise<string> {
    return Promise.resolve(this.value);
  }
}

const quiet = { warn: () => undefined };

describe('KeyRefresher', () => {
  it('applies a changed value once and leaves an unchanged one alone', async () => {
    const store = new CountingStore();
    const applied: string[] = [];
    const refresher = new KeyRefresher(store, 60_000, quiet);
    refresher.watch('signing-keys', 'v1', (text) => applied.push(text));
    await refresher.refresh();
    expect(applied).toEqual([]);
    store.value = 'v2';
    await refresher.refresh();
    await refresher.refresh();
    expect(applied).toEqual(['v2']);
  });

  it('reads on demand at most once a second, however many unknown key ids arrive', async () => {
    const store = new CountingStore();
    let now = 0;
    const refresher = new KeyRefresher(store, 60_000, quiet, () => now);
    refresher.watch('encryption-keys', 'v1', () => undefined);
    for (let i = 0; i < 50; i++) await refresher.refreshOnDemand();
    expect(store.reads).toBe(1);
    now = 999;
    await refresher.refreshOnDemand();
    expect(store.reads).toBe(1);
    now = 1000;
    await refresher.refreshOnDemand();
    expect(store.reads).toBe(2);
  });

  it('keeps the loaded keys when a stored value cannot be used, and says so without the value', async () => {
    const store = new CountingStore();
    store.value = 'not a key';
    const warnings: string[] = [];
    const refresher = new KeyRefresher(store, 60_000, {
      warn: (obj, msg) => warnings.push(`${JSON.stringify(obj)} ${msg}`),
    });
    refresher.watch('signing-keys', 'v1', () => {
      throw new Error('no private key in not a key');
    });
    await refresher.refresh();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain('not a key');
  });
});
