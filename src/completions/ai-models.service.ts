import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { Clock } from '@token-metering/database';
import { TransactionRunner } from '@token-metering/database';
import { AiModel } from './ai-model.entity.js';
import type { ModelPricing } from './pricing.js';

/** A model and its prices, as plain values. */
export interface AiModelView extends ModelPricing {
  model: string;
  updatedAt: Date;
}

const viewOf = (row: AiModel): AiModelView => ({
  model: row.model,
  inputPer1k: row.inputPer1k,
  outputPer1k: row.outputPer1k,
  maxOutputTokens: row.maxOutputTokens,
  updatedAt: row.updatedAt,
});

/**
 * The models of the AI completions and their prices (table `ai_models`). Nothing is cached: each
 * call reads the table (one primary-key read for get()), so an admin's change applies to the next
 * request on every instance. Inputs arrive validated (the DTOs check ids and ranges).
 */
@Injectable()
export class AiModels {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /** Every model, by id. */
  async list(): Promise<AiModelView[]> {
    return (await this.tx.manager.find(AiModel, { order: { model: 'ASC' } })).map(viewOf);
  }

  /** The model, or null when there is no such model. */
  async get(model: string): Promise<AiModelView | null> {
    const row = await this.tx.manager.findOneBy(AiModel, { model });
    return row ? viewOf(row) : null;
  }

  /** The model; AppError NOT_FOUND when there is none. */
  async require(model: string): Promise<AiModelView> {
    const found = await this.get(model);
    if (!found) throw AppError.notFound(`Model '${model}'`);
    return found;
  }

  /** Adds the model, or replaces its prices and limit. */
  async upsert(model: string, pricing: ModelPricing): Promise<AiModelView> {
    const row: AiModel = {
      model,
      inputPer1k: pricing.inputPer1k,
      outputPer1k: pricing.outputPer1k,
      maxOutputTokens: pricing.maxOutputTokens,
      updatedAt: this.clock.now(),
    };
    // One statement (INSERT ... ON DUPLICATE KEY UPDATE / ON CONFLICT DO UPDATE): concurrent upserts cannot collide.
    await this.tx.manager.upsert(AiModel, row, { conflictPaths: ['model'] });
    return viewOf(row);
  }

  /** Removes the model; AppError NOT_FOUND when there is none (so a repeat changes nothing and says so). */
  async remove(model: string): Promise<void> {
    const removed = (await this.tx.manager.delete(AiModel, { model })).affected ?? 0;
    if (removed === 0) throw AppError.notFound(`Model '${model}'`);
  }
}
