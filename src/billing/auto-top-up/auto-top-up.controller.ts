import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../../common/api-auth.decorator.js';
import { CurrentPrincipal } from '../../common/auth.decorators.js';
import { ErrorBodyDto } from '../../common/error-body.dto.js';
import type { Principal } from '../../common/principal.js';
import { AutoTopUpDto, AutoTopUpSettingDto } from '../dto/auto-top-up.dto.js';
import { AutoTopUpService } from './auto-top-up.service.js';

/** Automatic top-up: buying a package with the saved card when the balance runs low. Never metered. */
@ApiTags('billing')
@Controller('billing/auto-top-up')
export class AutoTopUpController {
  constructor(private readonly autoTopUp: AutoTopUpService) {}

  @ApiAuth()
  @Get()
  @ApiOperation({
    summary: "The caller's automatic top-up",
    description:
      'The setting (nulls until set), what automatic top-ups spent this calendar month (UTC, in flight included), the last attempt and whether a card is saved.',
  })
  @ApiOkResponse({ type: AutoTopUpSettingDto })
  get(@CurrentPrincipal() principal: Principal): Promise<AutoTopUpSettingDto> {
    return this.autoTopUp.get(principal.userId);
  }

  @ApiAuth()
  @Put()
  @ApiOperation({
    summary: 'Set up automatic top-up',
    description:
      'When a debit leaves the balance below `thresholdTokens`, the card saved by a checkout made with `saveCard: true` is charged off-session (a Stripe PaymentIntent) for `packageCode`, ' +
      'credited when Stripe reports the payment, like any purchase. At most one attempt is in flight per account, and automatic top-ups never spend more than `monthlyLimitCents` in a calendar month (UTC). ' +
      "A failed payment disables automatic top-up and sends the `auto_top_up.failed` event. Changing the setting keeps the attempt in flight and the month's spend.",
  })
  @ApiOkResponse({ type: AutoTopUpSettingDto })
  @ApiBadRequestResponse({
    description:
      "VALIDATION_FAILED: a bad field, no active package with this code, or a monthly limit below the package's price; nothing changed",
    type: ErrorBodyDto,
  })
  @ApiConflictResponse({
    description: 'NO_PAYMENT_METHOD: no card is saved (buy a package with saveCard: true first); nothing changed',
    type: ErrorBodyDto,
  })
  put(@CurrentPrincipal() principal: Principal, @Body() body: AutoTopUpDto): Promise<AutoTopUpSettingDto> {
    return this.autoTopUp.put(principal.userId, body);
  }
}
