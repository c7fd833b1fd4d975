import { Module } from '@nestjs/common';
import { AutoTopUpGate } from './auto-top-up.gate.js';

/** The enabled automatic top-ups in memory, shared by the ledger watcher (in TokensModule) and the billing routes. */
@Module({ providers: [AutoTopUpGate], exports: [AutoTopUpGate] })
export class AutoTopUpGateModule {}
