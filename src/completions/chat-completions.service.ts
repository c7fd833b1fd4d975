import { Injectable } from '@nestjs/common';
import type OpenAI from 'openai';
import { AppError } from '../common/app-error.js';
import { AppConfig } from '../config/app-config.js';
import { type Charge, type HeldUsage, type HoldTerms, type IdempotencyContext, TokenHolds } from '@token-metering/tokens';
import { AiModels, type AiModelView } from './ai-models.service.js';
import type { ChatAnswer, ChatChunk } from './chat-api.js';
import { type ChatCompletionBody, choicesOf, requestedOutputOf, upstreamRequestOf } from './chat-request.js';
import { answerTexts, chunkTexts, countedMessagesOf, promptExtrasOf } from './chat-texts.js';
import type { LlmUpstream } from './llm-upstream.js';
import { ModelRouter } from './model-router.js';
import { type LimitTerms, OutputLimits } from './output-limits.js';
import { maxPriceOf, outputLimitOf, priceOf } from './pricing.js';
import { countTextsInSlices, estimatePromptTokensInSlices } from './tokenizer.js';
import { relayedUpstreamError } from './upstream-rejected.js';

/** The ledger's action of every completion; the model is in the entry's metadata. */
export const COMPLETION_ACTION = 'ai_completion';
/** The answer header with the output limit (per choice) a completion ran with. */
export const OUTPUT_LIMIT_HEADER = 'X-Tokens-Output-Limit';

/** OpenAI's usage object: the model tokens a completion was priced at. */
export type ChatUsage = OpenAI.Completions.CompletionUsage;

/** A completion ready to run: its body, its model and the upstream that serves it, its choices, its estimated prompt tokens and the limit it asked for. */
interface PreparedCompletion extends LimitTerms {
  body: ChatCompletionBody;
  model: AiModelView;
  upstream: LlmUpstream;
}

/** What a streamed completion yields: the upstream's chunks, then the settled charge with the usage it was priced at. */
export type ChatCompletionEvent = { kind: 'chunk'; chunk: ChatChunk } | { kind: 'settled'; usage: ChatUsage; charge: Charge };

/** Who asks: the request's ids for the ledger, and the answer whose headers get X-Tokens-* (when there is one). */
export type CompletionContext = Pick<IdempotencyContext, 'requestId' | 'clientRequestId'> & Partial<Pick<IdempotencyContext, 'reply'>>;

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** The upstream's usage when it is a pair of token counts, else null (count with the tokenizer then). */
function reportedUsageOf(value: unknown): ChatUsage | null {
  const usage = value as Partial<ChatUsage> | null | undefined;
  return usage && isCount(usage.prompt_tokens) && isCount(usage.completion_tokens) ? (usage as ChatUsage) : null;
}

/**
 * AI completions metered by their actual usage (TokenHolds): a completion holds the most it can cost
 * (its estimated prompt tokens and its output limit times its choices, at the model's prices) before
 * the upstream is called, then is charged the actual price from the usage the upstream reports
 * (counted with the tokenizer when it reports none). A failure before any output charges nothing,
 * unless the client went away after the upstream took the request (then the prompt is charged, as
 * the upstream bills it); a stream that breaks after output began is charged for the output so far.
 * The upstream's own refusal of the request (a 4xx about it) comes back to the client as it said it.
 */
@Injectable()
export class ChatCompletions {
  private readonly limits: OutputLimits;

  constructor(
    private readonly models: AiModels,
    private readonly router: ModelRouter,
    private readonly holds: TokenHolds,
    config: AppConfig,
  ) {
    this.limits = new OutputLimits(config.get('MIN_OUTPUT_TOKENS'));
  }

  /** A completion answered whole; with an Idempotency-Key, a key that finished before replays its first answer. */
  async complete(payerId: string, body: ChatCompletionBody, signal: AbortSignal, request: IdempotencyContext): Promise<ChatAnswer> {
    const prepared = await this.prepare(body);
    try {
      return await this.limits.hold(prepared, (limit, started) => {
        let accepted = false;
        return this.holds.run(
          request,
          this.termsOf(payerId, prepared, limit),
          async () => {
            started();
            announce(request, limit);
            const answer = await prepared.upstream.complete(this.upstreamRequest(prepared, limit), signal, () => (accepted = true));
            const usage = reportedUsageOf(answer.usage) ?? (await countedUsage(prepared, answerTexts(answer)));
            return { answer: { ...answer, usage }, usage: heldUsageOf(prepared, usage) };
          },
          () => promptIfLeft(prepared, accepted, signal),
        );
      });
    } catch (error) {
      throw relayedUpstreamError(error);
    }
  }

  /** Streams a completion: the upstream's chunks as they come, then (after the last one) the settled charge. */
  async *stream(
    payerId: string,
    body: ChatCompletionBody,
    signal: AbortSignal,
    request: CompletionContext,
  ): AsyncGenerator<ChatCompletionEvent> {
    const prepared = await this.prepare(body);
    const output: string[] = [];
    let reported: ChatUsage | null = null;
    let actual: ChatUsage | null = null;
    const counted = () => countedUsage(prepared, output);
    try {
      const { first, events } = await this.limits.hold(prepared, async (limit, started) => {
        let accepted = false;
        const events = this.holds.stream(
          request,
          this.termsOf(payerId, prepared, limit),
          () => {
            started();
            announce(request, limit);
            return prepared.upstream.stream(this.upstreamRequest(prepared, limit), signal, () => (accepted = true));
          },
          async () => heldUsageOf(prepared, (actual = reported ?? (await counted()))),
          async () => (output.length === 0 ? promptIfLeft(prepared, accepted, signal) : heldUsageOf(prepared, await counted())),
        );
        return { first: await events.next(), events };
      });
      let next = first;
      try {
        for (; !next.done; next = await events.next()) {
          const event = next.value;
          if (event.kind === 'settled') {
            yield { kind: 'settled', usage: actual!, charge: event.charge };
            continue;
          }
          output.push(...chunkTexts(event.chunk).filter((text) => text.length > 0));
          reported = reportedUsageOf(event.chunk.usage) ?? reported;
          yield event;
        }
      } finally {
        // The consumer stopped early (its client left): the held stream settles what was generated.
        if (!next.done) await events.return(undefined);
      }
    } catch (error) {
      throw relayedUpstreamError(error);
    }
  }

  private async prepare(body: ChatCompletionBody): Promise<PreparedCompletion> {
    const model = await this.models.get(body.model);
    if (!model || !this.router.serves(model)) throw AppError.notFound(`Model '${body.model}'`);
    const requested = requestedOutputOf(body);
    const promptTokens = await estimatePromptTokensInSlices(countedMessagesOf(body), promptExtrasOf(body));
    return {
      body,
      model,
      upstream: this.router.upstreamFor(model),
      choices: choicesOf(body),
      promptTokens,
      requestedLimit: requested === undefined ? null : outputLimitOf(model, requested),
    };
  }

  private upstreamRequest({ body, model, choices }: PreparedCompletion, limit: number) {
    return upstreamRequestOf(body, model.model, limit, choices);
  }

  private termsOf(payerId: string, { model, promptTokens, choices }: PreparedCompletion, limit: number): HoldTerms {
    return { payerId, action: COMPLETION_ACTION, amount: maxPriceOf(model, promptTokens, limit * choices) };
  }
}

/** Writes the output limit in effect on the answer (also on a stream's, whose headers are written with its first chunk). */
function announce(request: CompletionContext, limit: number): void {
  request.reply?.header(OUTPUT_LIMIT_HEADER, String(limit));
}

/** The usage of a completion the upstream reported none for: the estimated prompt and the counted output. */
async function countedUsage({ promptTokens }: PreparedCompletion, output: readonly string[]): Promise<ChatUsage> {
  const completionTokens = await countTextsInSlices(output);
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

/** The price of `usage` on the completion's model, with the counts its ledger entry records. */
function heldUsageOf(
  { model }: PreparedCompletion,
  usage: Pick<ChatUsage, 'prompt_tokens' | 'completion_tokens'>,
  reason?: string,
): HeldUsage {
  const { prompt_tokens: promptTokens, completion_tokens: completionTokens } = usage;
  return {
    price: priceOf(model, promptTokens, completionTokens),
    metadata: { model: model.model, promptTokens, completionTokens, ...(reason && { reason }) },
  };
}

/**
 * What a completion that ended without output owes: its prompt when the client went away after the
 * upstream took the request (the upstream bills it), else nothing (the hold is released).
 */
function promptIfLeft(prepared: PreparedCompletion, accepted: boolean, signal: AbortSignal): HeldUsage | null {
  return accepted && signal.aborted
    ? heldUsageOf(prepared, { prompt_tokens: prepared.promptTokens, completion_tokens: 0 }, 'client_aborted')
    : null;
}
