import { Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config.js';
import { validateEnvironment } from './environment.js';

@Global()
@Module({
  imports: [NestConfigModule.forRoot({ validate: validateEnvironment, cache: true, ignoreEnvFile: true })],
  providers: [AppConfig],
  exports: [AppConfig],
})
export class ConfigModule {}
