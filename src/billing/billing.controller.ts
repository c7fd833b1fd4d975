import { Body, Controller, Get, Headers, HttpCode, Post, Query, Req, UseGuards, type RawBodyRequest } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiAuth } from '../common/api-auth.decorator.js';
import { CurrentPrincipal, Public } from '../common/auth.decorators.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import type { Principal } from '../common/principal.js';
import { BillingService } from './billing.service.js';
import { CheckoutDto, CheckoutResultDto, PurchaseDto, PurchasesQueryDto, TokenPackageDto } from './dto/billing.dto.js';
import { PaymentEventDto, StripeEventDto, WebhookResultDto } from './dto/webhooks.dto.js';
import { PaymentEventPipe } from './payment-event.pipe.js';
import type { ProviderEvent } from './payment-provider.js';
import { PaymentSignatureGuard } from './payment-signature.guard.js';
import { SignedWebhookOpenGuard } from './signed-webhook-open.guard.js';
import { StripeWebhookService } from './stripe-webhook.service.js';

/** Buying tokens. No route here is metered: they work at balance 0. */
@ApiTags('billing')
@Controller('billing')
export class BillingController {
  constructor(
    private readonly billing: BillingService,
    private readonly stripeWebhooks: StripeWebhookService,
  ) {}

  @Public()
  @Get('packages')
  @ApiOperation({
    summary: 'Token packages for sale, smallest first',
    description:
      'Public, no credentials needed, and listed even when no payment provider is configured (checkout then answers 503). Buy one with POST /billing/checkout and its `code`.',
  })
  @ApiOkResponse({ type: [TokenPackageDto] })
  async packages(): Promise<TokenPackageDto[]> {
    return (await this.billing.listPackages()).map(TokenPackageDto.from);
  }

  @ApiAuth()
  @Post('checkout')
  @RateLimit('checkout', 'too many checkouts by this user (THROTTLE_CHECKOUT_PER_HOUR)')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Start buying a package',
    description:
      'Creates a pending purchase and starts its payment with the configured provider (PAYMENT_PROVIDER); the tokens are credited when the provider reports the payment to its webhook. ' +
      'Stripe: send the buyer to `redirectUrl` (Stripe Checkout). Local (demo, outside production): post `completion` yourself.',
  })
  @ApiCreatedResponse({ type: CheckoutResultDto })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED', type: ErrorBodyDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no active package has this code', type: ErrorBodyDto })
  @ApiBadGatewayResponse({
    description:
      'SERVICE_FAILED: the payment provider refused or could not start the payment; the purchase is marked failed and nothing was charged',
    type: ErrorBodyDto,
  })
  @ApiServiceUnavailableResponse({
    description: 'PAYMENTS_UNAVAILABLE: no payment provider is configured (PAYMENT_PROVIDER unset); nothing was written',
    type: ErrorBodyDto,
  })
  async checkout(@CurrentPrincipal() principal: Principal, @Body() body: CheckoutDto): Promise<CheckoutResultDto> {
    const { purchase, session } = await this.billing.checkout(principal.userId, body.packageCode, body.saveCard ?? false);
    return CheckoutResultDto.from(purchase, session);
  }

  @Public()
  @Post('webhooks/payment')
  @HttpCode(200)
  @UseGuards(SignedWebhookOpenGuard, PaymentSignatureGuard)
  @ApiOperation({
    summary: 'Payment events of the local provider (PAYMENT_PROVIDER=local)',
    description:
      'Only with PAYMENT_PROVIDER=local (the demo provider, refused in production): with any other provider, or none, it answers 404 NOT_FOUND to everything and credits nothing, since these events carry no amount to check. ' +
      'Called by the payment provider. `payment.succeeded` moves a pending or failed purchase to paid and credits its tokens; `payment.failed` moves a pending one to failed. ' +
      'Each event id is processed once (a repeat answers `duplicate`), and a purchase is credited exactly once whatever events arrive, in any order. ' +
      'An event that changes nothing (a success for a paid purchase, a failure for a paid or failed one) is recorded as `ignored`; one for an unknown purchase is recorded and answered `unknown_purchase`, so the provider stops retrying. ' +
      'Properties the event does not need are ignored.',
  })
  @ApiHeader({ name: 'X-Signature', required: true, description: 'Hex HMAC-SHA256 of the raw request body with PAYMENT_WEBHOOK_SECRET' })
  @ApiBody({ type: PaymentEventDto })
  @ApiOkResponse({ type: WebhookResultDto })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: correctly signed, but not a valid event', type: ErrorBodyDto })
  @ApiUnauthorizedResponse({
    description: 'UNAUTHENTICATED: X-Signature missing or not the signature of this body; nothing changed',
    type: ErrorBodyDto,
  })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: PAYMENT_PROVIDER is not local; nothing changed', type: ErrorBodyDto })
  async paymentWebhook(@Body(PaymentEventPipe) event: ProviderEvent): Promise<WebhookResultDto> {
    return { received: true, outcome: await this.billing.handleEvent(event) };
  }

  @Public()
  @Post('webhooks/stripe')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stripe events (PAYMENT_PROVIDER=stripe)',
    description:
      'Called by Stripe; verified with the `Stripe-Signature` header over the raw body and STRIPE_WEBHOOK_SECRET. ' +
      "Checkout Sessions: the purchase is the session's `metadata.purchaseId` (else `client_reference_id`), and the session must be the one created for it at checkout (its `providerReference`). " +
      '`checkout.session.completed` and `checkout.session.async_payment_succeeded` credit the purchase only when `payment_status` is `paid` and `amount_total` and `currency` equal its price ' +
      '(a completed but `unpaid` session answers `awaiting_payment`: a delayed payment reports later); `checkout.session.async_payment_failed` and `checkout.session.expired` fail a pending one. ' +
      'A session that does not match (another session, not paid, e.g. `no_payment_required`, another amount or currency) changes nothing and answers `mismatch` (logged as an error, counted in `payment_events_total`). ' +
      'Refunds and disputes find the purchase through the payment intent its session paid with: `charge.refunded` takes back ceil(tokens * amount_refunded / amount) in total (cumulative, so an older refund event takes nothing more; `reversed`, status `partially_refunded` or `refunded`); ' +
      '`charge.dispute.created` takes back every token not taken yet (status `disputed`); `charge.dispute.closed` with `won` (or `warning_closed`) gives back what the dispute took (`reinstated`), with `lost` changes nothing more. ' +
      'Tokens are taken from credits, then the allowance, never below 0; what was already spent becomes `owed`. A refund of another amount or currency than the purchase is a `mismatch`; one for a payment intent of no purchase is `unknown_purchase`. ' +
      'Each event id is applied once (a repeat answers `duplicate`), each purchase credited once and its tokens taken back at most once, whatever the order or concurrency of events. ' +
      'Other event types are recorded and answered `ignored`. Answers 404 when the server does not use Stripe.',
  })
  @ApiHeader({
    name: 'Stripe-Signature',
    required: true,
    description: "Stripe's signature of the raw body (`t=...,v1=...`), made with the endpoint's signing secret (STRIPE_WEBHOOK_SECRET)",
  })
  @ApiBody({ type: StripeEventDto })
  @ApiOkResponse({ type: WebhookResultDto })
  @ApiBadRequestResponse({
    description:
      'VALIDATION_FAILED: Stripe-Signature missing or not valid for this body (nothing changed), or a signed body that is not a Stripe event',
    type: ErrorBodyDto,
  })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: PAYMENT_PROVIDER is not stripe', type: ErrorBodyDto })
  async stripeWebhook(
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Headers('stripe-signature') signature: unknown,
  ): Promise<WebhookResultDto> {
    return { received: true, outcome: await this.stripeWebhooks.handle(request.rawBody, signature) };
  }

  @ApiAuth()
  @Get('purchases')
  @ApiOperation({
    summary: "The caller's purchases, newest first",
    description:
      'Works with an access token or an API key, at any balance. Each purchase with its `status` (`pending`, `paid`, `failed`, `partially_refunded`, `refunded`, `disputed`) and `tokensReversed`; ' +
      'a credited one names the `purchase` ledger entry that credited it. `limit` caps the list.',
  })
  @ApiOkResponse({ type: [PurchaseDto] })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED', type: ErrorBodyDto })
  async purchases(@CurrentPrincipal() principal: Principal, @Query() query: PurchasesQueryDto): Promise<PurchaseDto[]> {
    return (await this.billing.listPurchases(principal.userId, query.limit)).map(PurchaseDto.from);
  }
}
