import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { Clock } from '@token-metering/database';
import { TransactionRunner } from '@token-metering/database';
import { AiModel } from './ai-model.entity.js';
import type { ModelPricing } from './pricing.js';

/** A model and its prices, as plain values. */
export interface AiModelView extends ModelPricing {
  model: string;
  /** The upstream the row names; null: the model's usual one (see ModelRouter). */
  upstream: string | null;
  updatedAt: Date;
}

/** What an admin sets on a model: its prices and, optionally, the upstream that serves it (omitted: kept as it is). */
export interface AiModelSettings extends ModelPricing {
  upstream?: string;
}

const viewOf = (row: AiModel): AiModelView => ({
  model: row.model,
  inputPer1k: row.inputPer1k,
  outputPer1k: row.outputPer1k,
  maxOutputTokens: row.maxOutputTokens,
  upstream: row.upstream ?? null,
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

  /** Adds the model, or replaces its prices and limit, and its upstream when `settings` names one. */
  async upsert(model: string, settings: AiModelSettings): Promise<AiModelView> {
    const row: Omit<AiModel, 'upstream'> & { upstream?: string } = {
      model,
      inputPer1k: settings.inputPer1k,
      outputPer1k: settings.outputPer1k,
      maxOutputTokens: settings.maxOutputTokens,
      ...(settings.upstream !== undefined && { upstream: settings.upstream }),
      updatedAt: this.clock.now(),
    };
    // One statement (INSERT ... ON DUPLICATE KEY UPDATE / ON CONFLICT DO UPDATE): concurrent upserts cannot collide.
    // A column the row leaves out (upstream) is not in its UPDATE part: the stored value stays.
    await this.tx.manager.upsert(AiModel, row, { conflictPaths: ['model'] });
    return this.require(model);
  }

  /** Removes the model; AppError NOT_FOUND when there is none (so a repeat changes nothing and says so). */
  async remove(model: string): Promise<void> {
    const removed = (await this.tx.manager.delete(AiModel, { model })).affected ?? 0;
    if (removed === 0) throw AppError.notFound(`Model '${model}'`);
  }
}
