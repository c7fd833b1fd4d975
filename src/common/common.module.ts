import { Global, Module } from '@nestjs/common';
import { Clock } from '@token-metering/database';

@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class CommonModule {}
