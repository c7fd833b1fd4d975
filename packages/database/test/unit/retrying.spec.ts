import { again, done, MAX_ATTEMPTS, retrying } from '../../src/index.js';

describe('retrying', () => {
  it('returns the first value an attempt is done with', async () => {
    const seen: number[] = [];
    const value = await retrying(async (n) => {
      seen.push(n);
      return n < 3 ? again(() => new Error('no')) : done(`done at ${n}`);
    });
    expect(value).toBe('done at 3');
    expect(seen).toEqual([1, 2, 3]);
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts with what the last one names`, async () => {
    let attempts = 0;
    const error = await retrying(async (n) => {
      attempts++;
      return again(() => new Error(`gave up at ${n}`), { pause: true });
    }).catch((e: unknown) => e);
    expect(attempts).toBe(MAX_ATTEMPTS);
    expect((error as Error).message).toBe(`gave up at ${MAX_ATTEMPTS}`);
  });

  it('an attempt that throws ends the run at once', async () => {
    let attempts = 0;
    const failure = new Error('refused');
    await expect(
      retrying(async () => {
        attempts++;
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(attempts).toBe(1);
  });
});
