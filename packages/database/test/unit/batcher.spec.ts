import { Batcher, DatabaseBusy, ItemFailure, splitOnConflict } from '../../src/index.js';

/** A batch function whose batches end when the test says so, recording what each batch held. */
function controlledRun() {
  const batches: number[][] = [];
  const pending: Array<() => void> = [];
  const run = (items: number[]) => {
    batches.push(items);
    return new Promise<number[]>((resolve) => pending.push(() => resolve(items.map((n) => n * 10))));
  };
  const finishNext = async () => {
    pending.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { run, batches, finishNext, running: () => pending.length };
}

describe('Batcher (group commit)', () => {
  it('starts a lone item at once, and groups what arrives while a batch runs into the next one', async () => {
    const c = controlledRun();
    const batcher = new Batcher(c.run, { maxBatchSize: 100, maxConcurrentBatches: 1 });
    const first = batcher.submit(1);
    expect(c.batches).toEqual([[1]]);
    const later = [batcher.submit(2), batcher.submit(3), batcher.submit(4)];
    expect(c.batches).toEqual([[1]]);
    await c.finishNext();
    expect(await first).toBe(10);
    expect(c.batches).toEqual([[1], [2, 3, 4]]);
    await c.finishNext();
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
  });

  it('keeps batches within maxBatchSize and runs at most maxConcurrentBatches at once', async () => {
    const c = controlledRun();
    const batcher = new Batcher(c.run, { maxBatchSize: 2, maxConcurrentBatches: 2 });
    const results = [1, 2, 3, 4, 5, 6, 7].map((n) => batcher.submit(n));
    expect(c.batches).toEqual([[1], [2]]);
    expect(c.running()).toBe(2);
    await c.finishNext();
    expect(c.batches).toEqual([[1], [2], [3, 4]]);
    while (c.running() > 0) await c.finishNext();
    expect(c.batches).toEqual([[1], [2], [3, 4], [5, 6], [7]]);
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50, 60, 70]);
  });

  it('a batch that throws fails every item of that batch and no other', async () => {
    let calls = 0;
    const batcher = new Batcher<number, number>(
      async (items) => {
        calls++;
        await new Promise((resolve) => setImmediate(resolve));
        if (calls === 2) throw new Error('batch 2 failed');
        return items;
      },
      { maxBatchSize: 10, maxConcurrentBatches: 1 },
    );
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(await batcher.submit(4)).toBe(4);
  });

  it('with failWaitingWith, an outage that ends a batch fails the items waiting behind it too, at once', async () => {
    const outage = new Error('the database cannot be reached');
    let calls = 0;
    const batcher = new Batcher<number, number>(
      async (items) => {
        calls++;
        await new Promise((resolve) => setImmediate(resolve));
        if (calls === 1) throw outage;
        return items;
      },
      { maxBatchSize: 10, maxConcurrentBatches: 1, failWaitingWith: (error) => (error === outage ? new Error('unavailable') : undefined) },
    );
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : r.value))).toEqual([
      'the database cannot be reached',
      'unavailable',
      'unavailable',
    ]);
    expect(calls).toBe(1);
    expect(await batcher.submit(4)).toBe(4);
  });
});

describe('splitOnConflict', () => {
  const busy = () => new DatabaseBusy(Object.assign(new Error('Deadlock found'), { errno: 1213 }));

  it('fails only the items of the key that keeps conflicting; the other keys commit', async () => {
    const commits: string[][] = [];
    const commit = async (items: string[]) => {
      commits.push(items);
      if (items.includes('hot')) throw busy();
      return items.map((item) => `${item} done`);
    };
    const results = await splitOnConflict(['a', 'hot', 'b', 'hot', 'c'], (item) => item, commit);
    expect(results.map((r) => (r instanceof ItemFailure ? (r.error as Error).name : r))).toEqual([
      'a done',
      'DatabaseBusy',
      'b done',
      'DatabaseBusy',
      'c done',
    ]);
    // One try together, then halves by key until the hot key is alone.
    expect(commits[0]).toEqual(['a', 'hot', 'b', 'hot', 'c']);
    expect(commits.at(-1)).toEqual(['hot', 'hot']);
  });

  it('does not split on other errors, nor a batch of one key', async () => {
    const unreachable = new Error('connect ECONNREFUSED');
    await expect(splitOnConflict([1, 2], String, () => Promise.reject(unreachable))).rejects.toBe(unreachable);
    const conflict = busy();
    await expect(splitOnConflict([1, 1], String, () => Promise.reject(conflict))).rejects.toBe(conflict);
  });
});
