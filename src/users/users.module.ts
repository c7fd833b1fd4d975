import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { RateLimitsModule } from '../rate-limits/rate-limits.module.js';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module.js';
import { AdminUsersController } from './admin-users.controller.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { Session } from './session.entity.js';
import { SessionsService } from './sessions.service.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([User, ApiKey, Session]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        signOptions: { algorithm: 'HS256', expiresIn: config.get('JWT_EXPIRES_IN_SECONDS') },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    RateLimitsModule,
    SubscriptionsModule,
  ],
  controllers: [AuthController, UsersController, ApiKeysController, AdminUsersController],
  providers: [UsersService, SessionsService, ApiKeysService, AuthGuard],
  exports: [AuthGuard],
})
export class UsersModule {}
