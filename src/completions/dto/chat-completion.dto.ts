import { ApiProperty } from '@nestjs/swagger';
import type { Charge } from '@token-metering/tokens';
import type { CompletionChunk, CompletionResult, CompletionUsage } from '../llm-upstream.js';

export class CompletionUsageDto {
  @ApiProperty({ example: 12 })
  prompt_tokens: number;

  @ApiProperty({ example: 48 })
  completion_tokens: number;

  @ApiProperty({ example: 60 })
  total_tokens: number;
}

export class ChatCompletionMessageDto {
  @ApiProperty({ example: 'assistant' })
  role: 'assistant';

  @ApiProperty({ example: 'Tokens held, then settled.' })
  content: string;

  @ApiProperty({ nullable: true, type: String, example: null })
  refusal: null;
}

export class ChatCompletionChoiceDto {
  @ApiProperty({ example: 0 })
  index: number;

  @ApiProperty({ type: ChatCompletionMessageDto })
  message: ChatCompletionMessageDto;

  @ApiProperty({ example: 'stop' })
  finish_reason: string;

  @ApiProperty({ nullable: true, type: Object, example: null })
  logprobs: null;
}

/** OpenAI's `chat.completion` object. */
export class ChatCompletionDto {
  @ApiProperty({ example: 'chatcmpl-3f1c2a' })
  id: string;

  @ApiProperty({ example: 'chat.completion' })
  object: 'chat.completion';

  @ApiProperty({ example: 1764633600, description: 'Unix seconds' })
  created: number;

  @ApiProperty({ example: 'local' })
  model: string;

  @ApiProperty({ type: [ChatCompletionChoiceDto] })
  choices: ChatCompletionChoiceDto[];

  @ApiProperty({ type: CompletionUsageDto, description: 'The model tokens the price was computed from' })
  usage: CompletionUsageDto;
}

function usageOf(usage: CompletionUsage): CompletionUsageDto {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}

export function completionOf(result: CompletionResult, usage: CompletionUsage): ChatCompletionDto {
  return {
    id: result.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: result.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: result.text, refusal: null },
        finish_reason: result.finishReason,
        logprobs: null,
      },
    ],
    usage: usageOf(usage),
  };
}

/** One `chat.completion.chunk` of a stream; the first one also names the role. */
export function completionChunkOf(id: string, created: number, model: string, chunk: CompletionChunk, first: boolean): unknown {
  return {
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [
      {
        index: 0,
        delta: { ...(first ? { role: 'assistant' } : {}), ...(chunk.text === '' ? {} : { content: chunk.text }) },
        finish_reason: chunk.finishReason,
        logprobs: null,
      },
    ],
  };
}

/** The last chunk before `[DONE]`: no choices, the usage (as with `stream_options.include_usage`) and what was charged. */
export function settledChunkOf(id: string, created: number, model: string, usage: CompletionUsage, charge: Charge): unknown {
  return {
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [],
    usage: usageOf(usage),
    tokens: { charged: charge.price, remaining: charge.balanceAfter },
  };
}
