import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Plan } from './plan.entity.js';
import { Subscription } from './subscription.entity.js';
import { SubscriptionsController } from './subscriptions.controller.js';
import { PlanChanges } from './plan-changes.service.js';
import { SubscriptionsService } from './subscriptions.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Plan, Subscription])],
  controllers: [SubscriptionsController],
  providers: [SubscriptionsService, PlanChanges],
  exports: [SubscriptionsService, PlanChanges],
})
export class SubscriptionsModule {}
