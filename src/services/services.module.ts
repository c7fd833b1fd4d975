import { Module } from '@nestjs/common';
import { ContentProvider } from './content-provider.js';
import { LocalContentProvider } from './local-content.provider.js';
import { ServicesController } from './services.controller.js';

@Module({
  controllers: [ServicesController],
  providers: [{ provide: ContentProvider, useClass: LocalContentProvider }],
})
export class ServicesModule {}
