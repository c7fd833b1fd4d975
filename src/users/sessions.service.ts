import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { EntityManager, IsNull, LessThan } from 'typeorm';
import { Clock } from '@token-metering/database';
import { AppConfig } from '../config/app-config.js';
import { TransactionRunner } from '@token-metering/database';
import { Session } from './session.entity.js';
import { User, UserRole } from './user.entity.js';

export interface AccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface JwtClaims {
  sub: string;
  role: UserRole;
  /** The session the token belongs to: ending it ends the token. */
  sid: string;
}

/** Access tokens and the sessions behind them. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Opens a session for `user` and signs its access token; the user's expired sessions are cleared on the way. */
  async open(user: User): Promise<AccessToken> {
    const expiresIn = this.config.get('JWT_EXPIRES_IN_SECONDS');
    const now = this.clock.now();
    const session: Session = {
      id: randomUUID(),
      userId: user.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + expiresIn * 1000),
      endedAt: null,
    };
    await this.tx.run(async (em) => {
      await em.delete(Session, { userId: user.id, expiresAt: LessThan(now) });
      await em.insert(Session, session);
    });
    const claims: JwtClaims = { sub: user.id, role: user.role, sid: session.id };
    return { accessToken: await this.jwt.signAsync(claims), tokenType: 'Bearer', expiresIn };
  }

  /** Ends one session (logout); its token stops working at the next request. */
  async end(sessionId: string): Promise<void> {
    await this.tx.run((em) => em.update(Session, { id: sessionId, endedAt: IsNull() }, { endedAt: this.clock.now() }));
  }

  /** Ends every session of the user, inside the caller's transaction (a password change). */
  async endAll(em: EntityManager, userId: string): Promise<void> {
    await em.update(Session, { userId, endedAt: IsNull() }, { endedAt: this.clock.now() });
  }
}
