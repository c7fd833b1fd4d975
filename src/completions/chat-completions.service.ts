import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { type Charge, type Hold, type IdempotencyClaim, type Replay, TokenLedger } from '@token-metering/tokens';
import { AiModels, type AiModelView } from './ai-models.service.js';
import { requestedOutputOf, type ChatCompletionRequestDto } from './dto/chat-completion-request.dto.js';
import { type ChatCompletionDto, completionOf } from './dto/chat-completion.dto.js';
import { type CompletionChunk, type CompletionRequest, type CompletionUsage, LlmUpstream } from './llm-upstream.js';
import { maxPriceOf, outputLimitOf, priceOf } from './pricing.js';
import { countTokensInSlices, estimatePromptTokensInSlices } from './tokenizer.js';

/** The ledger's action of every completion; the model is in the entry's metadata. */
export const COMPLETION_ACTION = 'ai_completion';

/** Who pays for a completion, and the ids its ledger entries carry. */
export interface CompletionCaller {
  payerId: string;
  requestId: string;
  clientRequestId: string | null;
}

/** A completion that started: its hold is open until `settle` or `release`. */
interface Started {
  kind: 'started';
  model: AiModelView;
  request: CompletionRequest;
  hold: Hold;
  promptTokens: number;
  /** Set once the upstream took the request: from then on it bills it, even if nothing is generated. */
  accepted: boolean;
}

/** What a streamed completion yields: the upstream's pieces, then the settled charge with the usage it was priced at. */
export type CompletionEvent = { kind: 'chunk'; chunk: CompletionChunk } | { kind: 'settled'; usage: CompletionUsage; charge: Charge };

/**
 * AI completions metered by their actual usage: a completion holds the most it can cost (its
 * estimated prompt tokens and its output limit, at the model's prices) before the upstream is
 * called, then settles the actual price from the usage the upstream reports (counted with the
 * tokenizer when it reports none): the hold and what the balance covers, the rest owed. A failure
 * before any output releases the hold in full, unless the client went away after the upstream took
 * the request (then the prompt is charged, as the upstream bills it); a stream that breaks after
 * output began is charged for the output so far.
 */
@Injectable()
export class ChatCompletions {
  private readonly logger = new Logger(ChatCompletions.name);

  constructor(
    private readonly models: AiModels,
    private readonly upstream: LlmUpstream,
    private readonly ledger: TokenLedger,
  ) {}

  /**
   * A completion answered whole. With an Idempotency-Key: a key that finished before replays its first
   * answer (nothing held, the model not called); the answer is kept for replays once it is charged.
   */
  async complete(
    caller: CompletionCaller,
    body: ChatCompletionRequestDto,
    signal: AbortSignal,
    idempotency?: IdempotencyClaim,
  ): Promise<{ kind: 'answered'; answer: ChatCompletionDto; charge: Charge } | Replay> {
    const started = await this.start(caller, body, idempotency);
    if (started.kind === 'replay') return started;
    let answer: ChatCompletionDto;
    let usage: CompletionUsage;
    try {
      const result = await this.upstream.complete(started.request, signal, () => (started.accepted = true));
      usage = result.usage ?? { promptTokens: started.promptTokens, completionTokens: await countTokensInSlices(result.text) };
      answer = completionOf(result, usage);
    } catch (error) {
      await this.endUnanswered(started, signal);
      throw error;
    }
    const charge = await this.settle(started, usage);
    if (charge.idempotencyKey) await this.keepAnswer(charge, answer);
    return { kind: 'answered', answer, charge };
  }

  /**
   * Streams a completion: yields the upstream's pieces as they come, then (after the last one) the
   * settled charge. A failure before the first piece releases the hold and rejects; after it, the
   * output so far is charged and the error rethrown.
   */
  async *stream(caller: CompletionCaller, body: ChatCompletionRequestDto, signal: AbortSignal): AsyncGenerator<CompletionEvent> {
    const started = await this.start(caller, body);
    if (started.kind === 'replay') throw new Error('a stream holds without an Idempotency-Key, so it is never a replay');
    let output = '';
    let usage: CompletionUsage | null = null;
    let settled = false;
    try {
      for await (const chunk of this.upstream.stream(started.request, signal, () => (started.accepted = true))) {
        output += chunk.text;
        usage = chunk.usage ?? usage;
        yield { kind: 'chunk', chunk };
      }
      const actual = usage ?? { promptTokens: started.promptTokens, completionTokens: await countTokensInSlices(output) };
      const charge = await this.settle(started, actual);
      settled = true;
      yield { kind: 'settled', usage: actual, charge };
    } finally {
      // Broken, cancelled or abandoned (the consumer stopped iterating, e.g. the client went away).
      if (!settled) {
        if (output === '') await this.endUnanswered(started, signal);
        else await this.settleQuietly(started, { promptTokens: started.promptTokens, completionTokens: await countTokensInSlices(output) });
      }
    }
  }

  private async start(caller: CompletionCaller, body: ChatCompletionRequestDto, idempotency?: IdempotencyClaim): Promise<Started | Replay> {
    const model = await this.models.get(body.model);
    if (!model || !this.upstream.serves(model.model)) throw AppError.notFound(`Model '${body.model}'`);
    const messages = body.messages.map(({ role, content, name }) => ({ role, content, ...(name === undefined ? {} : { name }) }));
    const maxTokens = outputLimitOf(model, requestedOutputOf(body));
    const promptTokens = await estimatePromptTokensInSlices(messages);
    const hold = await this.ledger.hold({
      userId: caller.payerId,
      action: COMPLETION_ACTION,
      amount: maxPriceOf(model, promptTokens, maxTokens),
      requestId: caller.requestId,
      clientRequestId: caller.clientRequestId,
      ...(idempotency ? { idempotency } : {}),
    });
    if (hold.kind === 'replay') return hold;
    const request: CompletionRequest = {
      model: model.model,
      messages,
      maxTokens,
      ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
      ...(typeof body.top_p === 'number' ? { topP: body.top_p } : {}),
      ...(typeof body.user === 'string' ? { user: body.user } : {}),
    };
    return { kind: 'started', model, request, hold, promptTokens, accepted: false };
  }

  /** Keeps the answer for replays; when it cannot be kept, a retry is refused rather than run and charged again. */
  private async keepAnswer(charge: Charge, answer: ChatCompletionDto): Promise<void> {
    try {
      await this.ledger.completeIdempotent(charge, answer);
    } catch (error) {
      this.logger.error(`answer of completion ${charge.requestId} not kept for replays: ${(error as Error).message}`);
      await this.ledger.completeWithoutAnswer(charge).catch(() => undefined);
    }
  }

  /**
   * The hold given back and the actual price charged, whatever the upstream reports: more prompt
   * tokens than estimated are taken from the balance as far as it goes, the rest is owed.
   */
  private settle({ model, hold }: Started, usage: CompletionUsage, reason?: string): Promise<Charge> {
    const price = priceOf(model, usage.promptTokens, usage.completionTokens);
    if (price > hold.amount) this.logger.warn(`completion ${hold.requestId} cost ${price}, more than its hold of ${hold.amount}`);
    return this.ledger.settleHold(hold, price, {
      model: model.model,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      ...(reason && { reason }),
    });
  }

  /** Settles a completion that did not end normally; when even that fails, the hold stays open and expires (released in full). */
  private async settleQuietly(started: Started, usage: CompletionUsage, reason?: string): Promise<Charge | null> {
    try {
      return await this.settle(started, usage, reason);
    } catch (error) {
      this.logger.error(`completion ${started.hold.requestId} not settled (its hold expires): ${(error as Error).message}`);
      return null;
    }
  }

  /**
   * A completion that ended without output: the client went away after the upstream took the request
   * is charged the prompt (the upstream bills it); any other failure releases the hold in full.
   */
  private async endUnanswered(started: Started, signal: AbortSignal): Promise<void> {
    if (!(started.accepted && signal.aborted)) return this.release(started);
    const charge = await this.settleQuietly(started, { promptTokens: started.promptTokens, completionTokens: 0 }, 'client_aborted');
    // Charged, so its Idempotency-Key never runs it again (a retry is told to use a new key).
    if (charge?.idempotencyKey) await this.ledger.completeWithoutAnswer(charge).catch(() => undefined);
  }

  private async release({ hold }: Started): Promise<void> {
    try {
      await this.ledger.releaseHold(hold);
    } catch (error) {
      this.logger.error(`hold of completion ${hold.requestId} not released (it expires): ${(error as Error).message}`);
    }
  }
}
