import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../common/app-error.js';
import { PaymentWebhookSigner } from './payment-webhook-signer.js';

/**
 * Lets a webhook delivery through only when X-Signature is the HMAC of its raw body. Runs as a
 * guard, so before any pipe looks at the body: an unsigned request learns nothing about the
 * event format and changes nothing.
 */
@Injectable()
export class PaymentSignatureGuard implements CanActivate {
  constructor(private readonly signer: PaymentWebhookSigner) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest & { rawBody?: Buffer }>();
    const raw = request.rawBody ?? Buffer.alloc(0);
    if (!this.signer.verify(raw, request.headers['x-signature'])) {
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'Missing or invalid X-Signature: it must be the hex HMAC-SHA256 of the raw body');
    }
    return true;
  }
}
