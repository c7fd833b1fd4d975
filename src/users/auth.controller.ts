import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Public } from '../common/auth.decorators.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import { AccessTokenDto, LoginDto, RegisterDto, RegisteredDto } from './dto/auth.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  constructor(private readonly users: UsersService) {}

  @Post('register')
  @ApiOperation({ summary: 'Create an account on the free plan, with its tokens' })
  @ApiCreatedResponse({ type: RegisteredDto })
  @ApiConflictResponse({ description: 'EMAIL_TAKEN', type: ErrorBodyDto })
  async register(@Body() body: RegisterDto): Promise<RegisteredDto> {
    const user = await this.users.register(body);
    const { accessToken } = await this.users.issueToken(user);
    return { user: { id: user.id, email: user.email, name: user.name, role: user.role }, accessToken };
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for a bearer token' })
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED', type: ErrorBodyDto })
  login(@Body() body: LoginDto): Promise<AccessTokenDto> {
    return this.users.login(body.email, body.password);
  }
}
