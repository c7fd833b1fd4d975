import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ApiAuth, ApiSessionAuth } from '../common/api-auth.decorator.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import { CurrentPrincipal } from '../common/auth.decorators.js';
import type { Principal } from '../common/principal.js';
import { TokensService } from '@token-metering/tokens';
import { ChangePasswordDto, MeDto } from './dto/auth.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokensService,
  ) {}

  @Get('me')
  @ApiAuth()
  @ApiOperation({
    summary: 'The caller, with plan and balance',
    description:
      'Works with an access token or an API key, at any balance (never metered). For the balance split into allowance and credits and the billing period, see GET /tokens/balance.',
  })
  @ApiOkResponse({ type: MeDto })
  async me(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    const [user, balance] = await Promise.all([this.users.get(principal.userId), this.tokens.balance(principal.userId)]);
    return { id: user.id, email: user.email, name: user.name, role: user.role, plan: balance.plan, balance: balance.balance };
  }

  @Post('me/password')
  @ApiSessionAuth()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Change the password; every access token of the user stops working (API keys stay)',
    description: 'A wrong `currentPassword` is 401 and counts as a failed login of the account.',
  })
  @ApiNoContentResponse({ description: 'Changed; sign in again with the new password' })
  @ApiTooManyRequestsResponse({ description: 'TOO_MANY_REQUESTS: too many failed logins of the account', type: ErrorBodyDto })
  changePassword(@CurrentPrincipal() principal: Principal, @Body() body: ChangePasswordDto, @Ip() address: string): Promise<void> {
    return this.users.changePassword(principal.userId, body.currentPassword, body.newPassword, address);
  }
}
