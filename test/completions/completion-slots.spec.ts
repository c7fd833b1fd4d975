/**
 * CompletionSlots on its own: a payer's slots up to the limit, 429 with Retry-After beyond it, each
 * slot given back exactly once however often `release` is called, payers counted apart.
 */
import { AppError, ErrorCode } from '../../src/common/app-error.js';
import { CompletionSlots } from '../../src/completions/completion-slots.js';
import type { AppConfig } from '../../src/config/app-config.js';

const slotsWithLimit = (limit: number) => new CompletionSlots({ get: () => limit } as unknown as AppConfig);

describe('CompletionSlots', () => {
  it('gives a payer up to the limit, then refuses with 429 TOO_MANY_REQUESTS and a Retry-After of 1 s', () => {
    const slots = slotsWithLimit(2);
    slots.take('ada');
    slots.take('ada');
    const refusal = (() => {
      try {
        slots.take('ada');
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: ErrorCode.TOO_MANY_REQUESTS, status: 429, details: { retryAfter: 1, limit: 2 } });
    expect(slots.inFlightOf('ada')).toBe(2);
  });

  it('counts each payer apart', () => {
    const slots = slotsWithLimit(1);
    slots.take('ada');
    expect(() => slots.take('bob')).not.toThrow();
    expect([slots.inFlightOf('ada'), slots.inFlightOf('bob'), slots.inFlightOf('eve')]).toEqual([1, 1, 0]);
  });

  it('gives a slot back once, however often it is released', () => {
    const slots = slotsWithLimit(2);
    const first = slots.take('ada');
    slots.take('ada');
    first.release();
    first.release();
    first.release();
    expect(slots.inFlightOf('ada')).toBe(1);
    slots.take('ada');
    expect(() => slots.take('ada')).toThrow(AppError);
  });

  it('forgets a payer with nothing in flight', () => {
    const slots = slotsWithLimit(3);
    const taken = [slots.take('ada'), slots.take('ada'), slots.take('ada')];
    for (const slot of taken) slot.release();
    expect(slots.inFlightOf('ada')).toBe(0);
    expect((slots as unknown as { inFlight: Map<string, number> }).inFlight.size).toBe(0);
  });
});
