import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiSessionAuth } from '../common/api-auth.decorator.js';
import { CurrentPrincipal, Public } from '../common/auth.decorators.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import { ApiEmptyBody, EmptyBodyPipe } from '../common/validation.js';
import type { Principal } from '../common/principal.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';
import { AccessTokenDto, LoginDto, RegisterDto, RegisteredDto } from './dto/auth.dto.js';
import { SessionsService } from './sessions.service.js';
import { UsersService } from './users.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('register')
  @Public()
  @RateLimit('register', 'too many sign-ups from this client address (THROTTLE_REGISTER_PER_HOUR)')
  @ApiOperation({
    summary: 'Create an account on the free plan, with its tokens',
    description:
      "Public. The email is stored in its normal form (Unicode NFKC, trimmed, lower case: `  Ada@Example.COM ` and its fullwidth form are `ada@example.com`); an address that differs in any other way, accents included, is another address. One already registered is 409 EMAIL_TAKEN. The user, the free plan's subscription and its tokens are created in one transaction, and the answer carries an access token, so no login is needed. Sign-ups are rate limited per client address (429 TOO_MANY_REQUESTS with `Retry-After`).",
  })
  @ApiCreatedResponse({ type: RegisteredDto })
  @ApiConflictResponse({ description: 'EMAIL_TAKEN', type: ErrorBodyDto })
  async register(@Body() body: RegisterDto): Promise<RegisteredDto> {
    const user = await this.users.register(body);
    const { accessToken } = await this.sessions.open(user);
    return { user: { id: user.id, email: user.email, name: user.name, role: user.role }, accessToken };
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange email and password for a bearer token',
    description:
      'The email is compared in its normal form (Unicode NFKC, trimmed, lower case), otherwise exactly. ' +
      'Failed logins per client address (THROTTLE_LOGIN_FAILURES_PER_ADDRESS in any 15 minutes) are counted before the ' +
      'password is checked: each attempt holds a slot during its check and a successful one gives it back, so at most that ' +
      'many password checks from one address are in flight or failed, while successful logins behind one address never use the limit up. ' +
      'Wrong passwords count per account and client address (THROTTLE_LOGIN_FAILURES per 15 minutes): failures from one ' +
      'address never lock the owner out at another; and per account across all addresses (THROTTLE_LOGIN_FAILURES_PER_ACCOUNT_ALL). ' +
      'While limited, even the right password is refused with 429. An account also takes at most THROTTLE_LOGIN_FAILURES attempts a second.',
  })
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED', type: ErrorBodyDto })
  @ApiTooManyRequestsResponse({
    description:
      "TOO_MANY_REQUESTS: too many failed logins on this account (at this address or from all addresses), or too many failed or ongoing attempts from this address; `Retry-After` says when to try again. (503 RATE_LIMITS_UNAVAILABLE while the rate limits' Redis does not answer.)",
    type: ErrorBodyDto,
  })
  login(@Body() body: LoginDto, @Ip() address: string): Promise<AccessTokenDto> {
    return this.users.login(body.email, body.password, address);
  }

  @Post('logout')
  @ApiSessionAuth()
  @HttpCode(204)
  @ApiOperation({
    summary: 'End the presented access token (other sessions stay)',
    description:
      "Needs an access token; an API key gets 403. The token is refused (401) from the next request on; the user's other sessions and API keys keep working. Send no body.",
  })
  @ApiNoContentResponse({ description: 'The token stops working at once' })
  @ApiEmptyBody()
  logout(@CurrentPrincipal() principal: Principal, @Body(EmptyBodyPipe) _body: undefined): Promise<void> {
    // @ApiSessionAuth lets only access tokens through, so the principal has a session.
    return this.sessions.end(principal.via === 'jwt' ? principal.sessionId : '');
  }
}
