import { AppError, ErrorCode } from '../common/app-error.js';

/** 429 with `retryAfter` (seconds) in the body; the exception filter copies it to the Retry-After header. */
export const tooManyRequests = (retryAfterSeconds: number): AppError =>
  new AppError(ErrorCode.TOO_MANY_REQUESTS, `Too many requests; try again in ${Math.max(1, retryAfterSeconds)} s`, {
    retryAfter: Math.max(1, retryAfterSeconds),
  });
