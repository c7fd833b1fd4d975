import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { type Charge, type HeldUsage, type HoldTerms, type IdempotencyContext, TokenHolds } from '@token-metering/tokens';
import { AiModels, type AiModelView } from './ai-models.service.js';
import { requestedOutputOf, type ChatCompletionRequestDto } from './dto/chat-completion-request.dto.js';
import { type ChatCompletionDto, completionOf } from './dto/chat-completion.dto.js';
import { type CompletionChunk, type CompletionRequest, type CompletionUsage, LlmUpstream } from './llm-upstream.js';
import { ModelRouter } from './model-router.js';
import { maxPriceOf, outputLimitOf, priceOf } from './pricing.js';
import { countTokensInSlices, estimatePromptTokensInSlices } from './tokenizer.js';

/** The ledger's action of every completion; the model is in the entry's metadata. */
export const COMPLETION_ACTION = 'ai_completion';

/** A completion ready to run: its model and the upstream that serves it, the upstream request, and its estimated prompt tokens. */
interface Prepared {
  model: AiModelView;
  upstream: LlmUpstream;
  request: CompletionRequest;
  promptTokens: number;
}

/** What a streamed completion yields: the upstream's pieces, then the settled charge with the usage it was priced at. */
export type CompletionEvent = { kind: 'chunk'; chunk: CompletionChunk } | { kind: 'settled'; usage: CompletionUsage; charge: Charge };

/**
 * AI completions metered by their actual usage (TokenHolds): a completion holds the most it can cost
 * (its estimated prompt tokens and its output limit, at the model's prices) before the upstream is
 * called, then is charged the actual price from the usage the upstream reports (counted with the
 * tokenizer when it reports none). A failure before any output charges nothing, unless the client
 * went away after the upstream took the request (then the prompt is charged, as the upstream bills
 * it); a stream that breaks after output began is charged for the output so far.
 */
@Injectable()
export class ChatCompletions {
  constructor(
    private readonly models: AiModels,
    private readonly router: ModelRouter,
    private readonly holds: TokenHolds,
  ) {}

  /** A completion answered whole; with an Idempotency-Key, a key that finished before replays its first answer. */
  async complete(
    payerId: string,
    body: ChatCompletionRequestDto,
    signal: AbortSignal,
    request: IdempotencyContext,
  ): Promise<ChatCompletionDto> {
    const prepared = await this.prepare(body);
    let accepted = false;
    return this.holds.run(
      request,
      this.termsOf(payerId, prepared),
      async () => {
        const result = await prepared.upstream.complete(prepared.request, signal, () => (accepted = true));
        const usage = result.usage ?? { promptTokens: prepared.promptTokens, completionTokens: await countTokensInSlices(result.text) };
        return { answer: completionOf(result, usage), usage: usageOf(prepared, usage) };
      },
      () => promptIfLeft(prepared, accepted, signal),
    );
  }

  /** Streams a completion: the upstream's pieces as they come, then (after the last one) the settled charge. */
  async *stream(
    payerId: string,
    body: ChatCompletionRequestDto,
    signal: AbortSignal,
    request: Pick<IdempotencyContext, 'requestId' | 'clientRequestId'>,
  ): AsyncGenerator<CompletionEvent> {
    const prepared = await this.prepare(body);
    let accepted = false;
    let output = '';
    let reported: CompletionUsage | null = null;
    let actual: CompletionUsage | null = null;
    const counted = async () => ({ promptTokens: prepared.promptTokens, completionTokens: await countTokensInSlices(output) });
    const events = this.holds.stream(
      request,
      this.termsOf(payerId, prepared),
      () => prepared.upstream.stream(prepared.request, signal, () => (accepted = true)),
      async () => usageOf(prepared, (actual = reported ?? (await counted()))),
      async () => (output === '' ? promptIfLeft(prepared, accepted, signal) : usageOf(prepared, await counted())),
    );
    for await (const event of events) {
      if (event.kind === 'settled') {
        yield { kind: 'settled', usage: actual!, charge: event.charge };
        continue;
      }
      output += event.chunk.text;
      reported = event.chunk.usage ?? reported;
      yield event;
    }
  }

  private async prepare(body: ChatCompletionRequestDto): Promise<Prepared> {
    const model = await this.models.get(body.model);
    if (!model || !this.router.serves(model)) throw AppError.notFound(`Model '${body.model}'`);
    const messages = body.messages.map(({ role, content, name }) => ({ role, content, ...(name === undefined ? {} : { name }) }));
    const maxTokens = outputLimitOf(model, requestedOutputOf(body));
    const promptTokens = await estimatePromptTokensInSlices(messages);
    const request: CompletionRequest = {
      model: model.model,
      messages,
      maxTokens,
      ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
      ...(typeof body.top_p === 'number' ? { topP: body.top_p } : {}),
      ...(typeof body.user === 'string' ? { user: body.user } : {}),
    };
    return { model, upstream: this.router.upstreamFor(model), request, promptTokens };
  }

  private termsOf(payerId: string, { model, request, promptTokens }: Prepared): HoldTerms {
    return { payerId, action: COMPLETION_ACTION, amount: maxPriceOf(model, promptTokens, request.maxTokens) };
  }
}

/** The price of `usage` on the completion's model, with the counts its ledger entry records. */
function usageOf({ model }: Prepared, usage: CompletionUsage, reason?: string): HeldUsage {
  const { promptTokens, completionTokens } = usage;
  return {
    price: priceOf(model, promptTokens, completionTokens),
    metadata: { model: model.model, promptTokens, completionTokens, ...(reason && { reason }) },
  };
}

/**
 * What a completion that ended without output owes: its prompt when the client went away after the
 * upstream took the request (the upstream bills it), else nothing (the hold is released).
 */
function promptIfLeft(prepared: Prepared, accepted: boolean, signal: AbortSignal): HeldUsage | null {
  return accepted && signal.aborted
    ? usageOf(prepared, { promptTokens: prepared.promptTokens, completionTokens: 0 }, 'client_aborted')
    : null;
}
