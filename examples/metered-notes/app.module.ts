import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { AllExceptionsFilter } from '../../src/common/all-exceptions.filter.js';
import { CommonModule } from '../../src/common/common.module.js';
import { createValidationPipe } from '../../src/common/validation.js';
import { ConfigModule } from '../../src/config/config.module.js';
import { DatabaseModule } from '../../src/database/database.module.js';
import { NotesModule } from './notes.module.js';

/** The example application: the project's configuration, database and error shape, and the notes module. No users, no subscriptions. */
@Module({
  imports: [ConfigModule, CommonModule, DatabaseModule, EventEmitterModule.forRoot(), ScheduleModule.forRoot(), NotesModule],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
  ],
})
export class ExampleAppModule {}
