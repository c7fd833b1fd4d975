import { Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppError, ErrorCode } from '../common/app-error.js';
import { validationError } from '../common/validation.js';
import { PaymentEventDto } from './dto/webhooks.dto.js';
import type { ProviderEvent } from './payment-provider.js';

/**
 * Validates a (signature-checked) webhook body. Unlike client requests, properties the event
 * does not need are dropped rather than refused: providers add fields to their events over
 * time, and refusing them would make every delivery fail and be retried forever.
 */
@Injectable()
export class PaymentEventPipe implements PipeTransform<unknown, ProviderEvent> {
  transform(value: unknown): ProviderEvent {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'The payment event must be a JSON object', {
        details: [{ field: 'body', errors: ['must be a JSON object { id, type, data: { purchaseId } }'] }],
      });
    }
    const event = plainToInstance(PaymentEventDto, value);
    const errors = validateSync(event, { whitelist: true, forbidNonWhitelisted: false, forbidUnknownValues: true });
    if (errors.length > 0) throw validationError(errors);
    return { id: event.id, type: event.type, data: { purchaseId: event.data.purchaseId } };
  }
}
