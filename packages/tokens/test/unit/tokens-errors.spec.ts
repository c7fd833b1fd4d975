/**
 * The package's errors as any host answers them: a TokensError is an HttpException whose body is the
 * contract's `{ statusCode, code, message, ...details }`, and a refund records a stable code for
 * whatever a handler threw.
 */
import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { TokensError, TokensErrorCode } from '../../src/index.js';
import { errorCodeOf } from '../../src/tokens.errors.js';

describe('TokensError', () => {
  it("answers with its code's status and the contract body, its details at the top level", () => {
    const error = new TokensError(TokensErrorCode.INSUFFICIENT_TOKENS, 'Not enough tokens', { balance: 3, required: 5 });
    expect(error).toBeInstanceOf(HttpException);
    expect([error.getStatus(), error.getResponse()]).toEqual([
      402,
      { statusCode: 402, code: 'INSUFFICIENT_TOKENS', message: 'Not enough tokens', balance: 3, required: 5 },
    ]);
    expect([error.code, error.details, error.isCodedError]).toEqual(['INSUFFICIENT_TOKENS', { balance: 3, required: 5 }, true]);
  });

  it('every code has its status', () => {
    const statuses = Object.fromEntries(Object.values(TokensErrorCode).map((code) => [code, new TokensError(code, code).getStatus()]));
    expect(statuses).toEqual({
      INSUFFICIENT_TOKENS: 402,
      NO_OPENING_TERMS: 402,
      LEDGER_UNAVAILABLE: 503,
      IDEMPOTENCY_IN_PROGRESS: 409,
      IDEMPOTENCY_KEY_REUSED: 409,
      IDEMPOTENCY_ANSWER_UNAVAILABLE: 409,
      UNAUTHENTICATED: 401,
      VALIDATION_FAILED: 400,
      NOT_FOUND: 404,
      HOLD_CLOSED: 409,
      SPEND_LIMIT_REACHED: 402,
    });
  });

  it('notFound names what is missing', () => {
    expect(TokensError.notFound('Plan').getResponse()).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'Plan not found' });
  });
});

describe('errorCodeOf (the code a refund records)', () => {
  it("is an error's own UPPER_SNAKE code", () => {
    expect(errorCodeOf(new TokensError(TokensErrorCode.LEDGER_UNAVAILABLE, 'down'))).toBe('LEDGER_UNAVAILABLE');
    expect(errorCodeOf(Object.assign(new Error('upstream'), { code: 'UPSTREAM_FAILED' }))).toBe('UPSTREAM_FAILED');
  });

  it("else an HttpException's status name, or HTTP_<status> for a status without one", () => {
    expect(errorCodeOf(new BadRequestException())).toBe('BAD_REQUEST');
    expect(errorCodeOf(new NotFoundException())).toBe('NOT_FOUND');
    expect(errorCodeOf(new HttpException('closed', 499))).toBe('HTTP_499');
  });

  it('else INTERNAL_ERROR: never a message or a code that is not a stable identifier', () => {
    expect(errorCodeOf(new Error('secret internals'))).toBe('INTERNAL_ERROR');
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'econnreset' }))).toBe('INTERNAL_ERROR');
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 1213 }))).toBe('INTERNAL_ERROR');
    expect(errorCodeOf('a string')).toBe('INTERNAL_ERROR');
    expect(errorCodeOf(null)).toBe('INTERNAL_ERROR');
  });
});
