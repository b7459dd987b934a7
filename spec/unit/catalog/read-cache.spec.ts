import { CatalogReadCache } from '../../../src/catalog/read-cache';

/** A compute function that records how often it ran. */
function counter(body: string): { compute: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    compute: () => {
      calls += 1;
      return Promise.resolve(body);
    },
    calls: () => calls,
  };
}

describe('CatalogReadCache', () => {
  it('when the same key is read twice in one generation, computes once', async () => {
    const cache = new CatalogReadCache();
    const page = counter('page');

    expect(await cache.getOrCompute('k', 1, page.compute)).toBe('page');
    expect(await cache.getOrCompute('k', 1, page.compute)).toBe('page');
    expect(page.calls()).toBe(1);
  });

  it('when the generation moved on, computes again and keeps one entry', async () => {
    const cache = new CatalogReadCache();
    await cache.getOrCompute('k', 1, counter('old').compute);

    expect(await cache.getOrCompute('k', 2, counter('new').compute)).toBe('new');
    expect(cache.size).toBe(1);
  });

  it('when more keys than allowed are stored, drops the least recently used one', async () => {
    const cache = new CatalogReadCache(2);
    await cache.getOrCompute('a', 1, counter('A').compute);
    await cache.getOrCompute('b', 1, counter('B').compute);
    await cache.getOrCompute('a', 1, counter('unused').compute);
    await cache.getOrCompute('c', 1, counter('C').compute);
    const a = counter('A2');
    const b = counter('B2');

    expect(await cache.getOrCompute('a', 1, a.compute)).toBe('A');
    expect(await cache.getOrCompute('b', 1, b.compute)).toBe('B2');
    expect(cache.size).toBe(2);
  });

  it('when the bodies exceed the byte budget, evicts until they fit', async () => {
    const cache = new CatalogReadCache(100, 10);
    await cache.getOrCompute('a', 1, counter('123456').compute);
    await cache.getOrCompute('b', 1, counter('7890ab').compute);

    expect(cache.size).toBe(1);
    const a = counter('again');
    expect(await cache.getOrCompute('a', 1, a.compute)).toBe('again');
    expect(a.calls()).toBe(1);
  });

  it('when one body alone exceeds the byte budget, answers it without storing it', async () => {
    const cache = new CatalogReadCache(100, 4);
    const big = counter('too big');

    expect(await cache.getOrCompute('k', 1, big.compute)).toBe('too big');
    expect(await cache.getOrCompute('k', 1, big.compute)).toBe('too big');
    expect(big.calls()).toBe(2);
    expect(cache.size).toBe(0);
  });
});
