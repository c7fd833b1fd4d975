import { Injectable, Logger } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/**
 * Signs and verifies payment webhook bodies: the signature is the hex HMAC-SHA256 of the raw
 * body with PAYMENT_WEBHOOK_SECRET. The one holder of the resolved secret.
 */
@Injectable()
export class PaymentWebhookSigner {
  private readonly secret: Buffer;

  constructor(config: AppConfig) {
    const configured = config.get('PAYMENT_WEBHOOK_SECRET');
    if (configured) {
      this.secret = Buffer.from(configured, 'utf8');
    } else if (config.get('NODE_ENV') === 'production') {
      // The environment validation already refuses this; kept so the secret can never be guessed.
      throw new Error('PAYMENT_WEBHOOK_SECRET is required when NODE_ENV=production');
    } else {
      new Logger(PaymentWebhookSigner.name).warn(
        'PAYMENT_WEBHOOK_SECRET is not set: using a random secret, payment events signed by this process verify only in this process',
      );
      this.secret = randomBytes(32);
    }
  }

  sign(payload: string | Buffer): string {
    return createHmac('sha256', this.secret).update(payload).digest('hex');
  }

  /** Constant-time comparison of `signature` with the signature of `payload`; false for anything malformed. */
  verify(payload: Buffer, signature: unknown): boolean {
    if (typeof signature !== 'string' || !HEX_SHA256.test(signature)) return false;
    const expected = createHmac('sha256', this.secret).update(payload).digest();
    const given = Buffer.from(signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
