import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createSecretKey } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { RateLimitsModule } from '../rate-limits/rate-limits.module.js';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module.js';
import { AdminUsersController } from './admin-users.controller.js';
import { AdminUsersService } from './admin-users.service.js';
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
        // The secret as a KeyObject (the same bytes as the string): given a string, jsonwebtoken first
        // tries to read it as a PEM key (createPublicKey / createPrivateKey, which throw for an HMAC
        // secret) on every verify and sign, which cost more CPU than the rest of a request.
        secret: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')),
        signOptions: { algorithm: 'HS256', expiresIn: config.get('JWT_EXPIRES_IN_SECONDS') },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    RateLimitsModule,
    SubscriptionsModule,
  ],
  controllers: [AuthController, UsersController, ApiKeysController, AdminUsersController],
  providers: [UsersService, SessionsService, ApiKeysService, AuthGuard, AdminUsersService],
  exports: [AuthGuard],
})
export class UsersModule {}
