import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/api-auth.decorator.js';
import { CurrentPrincipal } from '../common/auth.decorators.js';
import type { Principal } from '../common/principal.js';
import { TokensService } from '../tokens/tokens.service.js';
import { MeDto } from './dto/auth.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiAuth()
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokensService,
  ) {}

  @Get('me')
  @ApiOperation({ summary: 'The caller, with plan and balance' })
  @ApiOkResponse({ type: MeDto })
  async me(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    const [user, balance] = await Promise.all([this.users.get(principal.userId), this.tokens.balance(principal.userId)]);
    return { id: user.id, email: user.email, name: user.name, role: user.role, plan: balance.plan, balance: balance.balance };
  }
}
