import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { Environment } from './environment.js';

/** Typed, validated configuration. The only reader of the environment. */
@Injectable()
export class AppConfig {
  readonly jwtSecret: string;

  constructor(private readonly config: ConfigService<Environment, true>) {
    // Outside production a missing secret gets a random one: tokens then die with the process.
    const secret = this.get('JWT_SECRET');
    if (!secret) new Logger(AppConfig.name).warn('JWT_SECRET is not set: using a random secret, sessions end when the process stops');
    this.jwtSecret = secret ?? randomBytes(32).toString('hex');
  }

  get<K extends keyof Environment>(key: K): Environment[K] {
    return this.config.get(key, { infer: true });
  }
}
