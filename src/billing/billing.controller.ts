import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiAuth } from '../common/api-auth.decorator.js';
import { CurrentPrincipal, Public } from '../common/auth.decorators.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import type { Principal } from '../common/principal.js';
import { BillingService } from './billing.service.js';
import {
  CheckoutDto,
  CheckoutResultDto,
  PaymentEventDto,
  PurchaseDto,
  PurchasesQueryDto,
  TokenPackageDto,
  WebhookResultDto,
} from './dto/billing.dto.js';
import { PaymentEventPipe } from './payment-event.pipe.js';
import type { ProviderEvent } from './payment-provider.js';
import { PaymentSignatureGuard } from './payment-signature.guard.js';

/** Buying tokens. No route here is metered: they work at balance 0. */
@ApiTags('billing')
@Controller('billing')
export class BillingController {
  constructor(private readonly billing: BillingService) {}

  @Public()
  @Get('packages')
  @ApiOperation({ summary: 'Token packages for sale, smallest first' })
  @ApiOkResponse({ type: [TokenPackageDto] })
  async packages(): Promise<TokenPackageDto[]> {
    return (await this.billing.listPackages()).map(TokenPackageDto.from);
  }

  @ApiAuth()
  @Post('checkout')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Start buying a package',
    description: 'Creates a pending purchase and starts its payment; the tokens are credited when the provider reports the payment to the webhook.',
  })
  @ApiCreatedResponse({ type: CheckoutResultDto })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED', type: ErrorBodyDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no active package has this code', type: ErrorBodyDto })
  async checkout(@CurrentPrincipal() principal: Principal, @Body() body: CheckoutDto): Promise<CheckoutResultDto> {
    const { purchase, session } = await this.billing.checkout(principal.userId, body.packageCode);
    return CheckoutResultDto.from(purchase, session);
  }

  @Public()
  @Post('webhooks/payment')
  @HttpCode(200)
  @UseGuards(PaymentSignatureGuard)
  @ApiOperation({
    summary: 'Payment provider events',
    description:
      'Called by the payment provider. `payment.succeeded` moves a pending purchase to paid and credits its tokens; `payment.failed` moves it to failed. ' +
      'Each event id is processed once (a repeat answers `duplicate`), and a purchase is credited at most once whatever events arrive. ' +
      'An event for a purchase that is not pending changes nothing (`ignored`); one for an unknown purchase is recorded and answered `unknown_purchase`, so the provider stops retrying. ' +
      'Properties the event does not need are ignored.',
  })
  @ApiHeader({ name: 'X-Signature', required: true, description: 'Hex HMAC-SHA256 of the raw request body with PAYMENT_WEBHOOK_SECRET' })
  @ApiBody({ type: PaymentEventDto })
  @ApiOkResponse({ type: WebhookResultDto })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: correctly signed, but not a valid event', type: ErrorBodyDto })
  @ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED: X-Signature missing or not the signature of this body; nothing changed', type: ErrorBodyDto })
  async paymentWebhook(@Body(PaymentEventPipe) event: ProviderEvent): Promise<WebhookResultDto> {
    return { received: true, outcome: await this.billing.handleEvent(event) };
  }

  @ApiAuth()
  @Get('purchases')
  @ApiOperation({ summary: "The caller's purchases, newest first" })
  @ApiOkResponse({ type: [PurchaseDto] })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED', type: ErrorBodyDto })
  async purchases(@CurrentPrincipal() principal: Principal, @Query() query: PurchasesQueryDto): Promise<PurchaseDto[]> {
    return (await this.billing.listPurchases(principal.userId, query.limit)).map(PurchaseDto.from);
  }
}
