import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DatabaseUnavailable, isDatabaseUnavailable } from '@token-metering/database';
import { AppError, ErrorCode } from './app-error.js';
import { appTermsOf } from './tokens-terms.js';

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  [detail: string]: unknown;
}

/** The code of an error answer by its status, when nothing more precise names one. */
export const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.VALIDATION_FAILED,
  401: ErrorCode.UNAUTHENTICATED,
  402: ErrorCode.INSUFFICIENT_TOKENS,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.TOO_MANY_REQUESTS,
};

const logger = new Logger('Errors');

/**
 * An error of a module with its own codes (the tokens module's TokensError): a stable `code`, the
 * HTTP `status` it stands for and the details of its body. Recognised by shape, so such a module
 * needs nothing from here.
 */
interface CodedError extends Error {
  code: string;
  status: number;
  details: Record<string, unknown>;
  isCodedError: true;
}

function isCodedError(error: unknown): error is CodedError {
  return error instanceof Error && (error as Partial<CodedError>).isCodedError === true;
}

function codeForStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? HttpStatus[status] ?? (status < 500 ? 'BAD_REQUEST' : ErrorCode.INTERNAL_ERROR);
}

function messageOf(response: string | object, fallback: string): string {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : fallback;
}

function withDetails(status: number, message: string): ErrorBody {
  const body: ErrorBody = { statusCode: status, code: codeForStatus(status), message };
  // Every 400 carries `details`; errors raised before validation cannot name a field.
  if (status === 400) body.details = [{ field: 'request', errors: [message] }];
  return body;
}

/**
 * Turns anything thrown while serving a request into the contract's error body.
 * Used by the Nest exception filter (which also receives Fastify's own errors: body parsing,
 * payload limits) and by the router's error answers, so every error has one shape.
 */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) {
    return { statusCode: error.status, code: error.code, message: error.message, ...error.details };
  }
  if (isCodedError(error)) {
    return { statusCode: error.status, ...appTermsOf(error.code, error.message, error.details), ...error.details };
  }
  if (error instanceof DatabaseUnavailable) {
    return { statusCode: 503, code: ErrorCode.LEDGER_UNAVAILABLE, message: error.message };
  }
  if (error instanceof HttpException) {
    return withDetails(error.getStatus(), messageOf(error.getResponse(), error.message));
  }
  // A database that cannot be reached (refused, reset, timed out, killed connection, a Galera node not
  // ready) or that kept refusing with conflicts is a 503 on every route, as it is for charges: the
  // request was not served, and retrying later can succeed.
  if (isDatabaseUnavailable(error)) {
    logger.error(`database unavailable: ${(error as Error).message}`);
    return { statusCode: 503, code: ErrorCode.LEDGER_UNAVAILABLE, message: 'The database is unavailable; the request was not served' };
  }
  // Errors raised by Fastify itself (invalid JSON, body too large, bad content type) carry a 4xx statusCode.
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return withDetails(status, (error as Error).message);
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return { statusCode: 500, code: ErrorCode.INTERNAL_ERROR, message: 'Internal server error' };
}
